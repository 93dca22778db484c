/**
 * The NIC's rule tables (mlx5 fs_chains): per tc device, per chain, the offloaded rules in prio
 * order (rules of one prio in the order they were offloaded). The driver edits them by device
 * name as filters come and go; the hardware datapath reads them per packet by the device's
 * ifindex and the chain number, without a string-keyed lookup.
 */
import type { Device } from '../model/devices';
import type { HwRule } from './rule';

/** Chains below this number are found by array index; the rest through a map. */
const DIRECT_CHAINS = 256;

/** One tc device's tables. */
class DevTables {
  /** Offloaded rules on the device, all chains together. */
  rules = 0;
  readonly low: (HwRule[] | undefined)[] = [];
  readonly high = new Map<number, HwRule[]>();

  get(chain: number): HwRule[] | undefined {
    return chain < DIRECT_CHAINS ? this.low[chain] : this.high.get(chain);
  }

  set(chain: number, rules: HwRule[] | undefined): void {
    if (chain < DIRECT_CHAINS) this.low[chain] = rules;
    else if (rules) this.high.set(chain, rules);
    else this.high.delete(chain);
  }
}

export class HwTables {
  private readonly byName = new Map<string, DevTables>();
  /** The same tables by the device's ifindex (set whenever a rule is added for the device). */
  private readonly byIfindex: (DevTables | undefined)[] = [];

  /** Adds an offloaded rule to `dev`'s table of the rule's chain, after the rules of lower or equal prio. */
  add(dev: Device, rule: HwRule): void {
    let t = this.byName.get(dev.name);
    if (!t) this.byName.set(dev.name, (t = new DevTables()));
    // A device of this name created again has a new ifindex.
    this.byIfindex[dev.ifindex] = t;
    const chain = rule.filter.chain;
    let rules = t.get(chain);
    if (!rules) t.set(chain, (rules = []));
    rules.push(rule);
    rules.sort((a, b) => a.filter.prio - b.filter.prio);
    t.rules++;
  }

  remove(devName: string, rule: HwRule): void {
    const t = this.byName.get(devName);
    const rules = t?.get(rule.filter.chain);
    if (!t || !rules) return;
    rules.splice(rules.indexOf(rule), 1);
    if (rules.length === 0) t.set(rule.filter.chain, undefined);
    t.rules--;
  }

  /** Offloaded rules on the device (per packet). */
  rulesOf(dev: Device): number {
    const t = this.byIfindex[dev.ifindex];
    return t === undefined ? 0 : t.rules;
  }

  /** The rules of one chain of the device, in match order; undefined when it has none. */
  chain(dev: Device, chain: number): readonly HwRule[] | undefined {
    return this.byIfindex[dev.ifindex]?.get(chain);
  }
}
