/**
 * Model-based checking: random valid command sequences (rules added, replaced and deleted
 * mid-flow, sysctls flipped, time jumps, floods, connects, flushes, profile and offload
 * switches) and an observer that checks the engine's invariants after every command.
 */
import fc from 'fast-check';
import { IPS_OFFLOAD } from '../conntrack/conntrack';
import type { SimEvent } from '../events';
import { NF_FLOW_TEARDOWN } from '../flowtable/flags';
import type { Simulator } from '../simulator';
import type { Filter } from '../tc/objects';

// ---- command generators ----------------------------------------------------------------

const int = (min: number, max: number) => fc.integer({ min, max });
const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

/** Ingress filters use prios 1–3, rep0's egress hook prio 5, so a (dev, chain, prio, handle) names one filter. */
const ingressDev = pick('uplink', 'rep0', 'rep1');
const target = pick('uplink', 'rep0', 'rep1', 'vxlan0', 'veth0');
const zone = int(0, 3);
const chain = pick(0, 2);
const prio = int(1, 3);

const filterBody = fc.oneof(
  fc.tuple(zone).map(([z]) => `ip_proto tcp ct_state -trk action ct zone ${z} pipe action goto chain 2`),
  fc.tuple(zone, target).map(([z, t]) => `ct_state +trk+new action ct zone ${z} commit pipe action mirred egress redirect dev ${t}`),
  fc.tuple(target).map(([t]) => `ct_state +trk+est action mirred egress redirect dev ${t}`),
  fc.tuple(zone, target).map(([z, t]) => `ip_proto udp action ct zone ${z} commit nat src addr 5.5.5.7 pipe action mirred egress redirect dev ${t}`),
  fc.tuple(target).map(([t]) => `ip_proto udp action mirred egress mirror dev rep3 pipe action mirred egress redirect dev ${t}`),
  pick('ct_state +trk+inv action drop', 'action drop', 'ip_proto tcp ct_state -trk action ct pipe action goto chain 2', 'action gact index 7'),
);

const skip = pick('', '', 'skip_hw ', 'skip_sw ');

const filterAdd = fc
  .tuple(pick('add', 'replace'), ingressDev, prio, chain, skip, filterBody)
  .map(([op, d, p, c, s, body]) => `tc filter ${op} dev ${d} ingress prio ${p} chain ${c} ${op === 'replace' ? 'handle 1 ' : ''}proto ip flower ${s}${body}`);
const egressAdd = filterBody.map((body) => `tc filter add dev rep0 egress prio 5 proto ip flower ${body}`);
const filterDel = fc.oneof(
  fc.tuple(ingressDev, chain, prio).map(([d, c, p]) => `tc filter del dev ${d} ingress chain ${c} prio ${p}`),
  fc.tuple(ingressDev, chain, prio).map(([d, c, p]) => `tc filter del dev ${d} ingress chain ${c} prio ${p} handle 1 flower`),
  ingressDev.map((d) => `tc filter del dev ${d} ingress`),
);
const qdisc = fc.tuple(pick('add', 'del'), ingressDev).map(([op, d]) => `tc qdisc ${op} dev ${d} ${d === 'rep0' ? 'clsact' : 'ingress'}`);

const sysctl = fc.oneof(
  fc.tuple(pick('tcp_be_liberal', 'tcp_loose', 'acct', 'checksum'), int(0, 1)).map(([k, v]) => `sysctl -w net.netfilter.nf_conntrack_${k}=${v}`),
  fc.tuple(pick('nf_conntrack_max'), pick(0, 3, 50, 262144)).map(([k, v]) => `sysctl -w net.netfilter.${k}=${v}`),
  fc.tuple(pick('nf_conntrack_udp_timeout', 'nf_conntrack_tcp_timeout_established'), pick(1, 5, 30, 600)).map(([k, v]) => `sysctl -w net.netfilter.${k}=${v}`),
  // The flowtable timeouts are sysctls only since 5.14; the lab knob sets them on any profile.
  pick(1, 5, 30, 600).map((v) => `sim hw-aging ${v}`),
);

const client = int(1, 4).map((n) => `192.0.2.${n}`);
const server = pick('10.0.0.1', '10.0.0.2');
const port = pick(53, 80, 40000, 40001);
const flags = pick('S', 'S.', '.', 'P.', 'F.', 'R', 'R.');

const send = fc.oneof(
  fc.tuple(pick('uplink', 'rep0', 'rep1'), pick('tcp', 'udp'), client, port, server, port, flags, int(1, 20), pick(0, 0.01, 1)).map(
    ([d, proto, c, cp, s, sp, f, n, iv]) =>
      `send dev ${d} ${proto} ${c}:${cp} > ${s}:${sp}${proto === 'tcp' ? ` flags ${f}` : ''} count ${n} interval ${iv}`,
  ),
  fc.tuple(client, server).map(([c, s]) => `send dev uplink icmp ${c} > ${s}`),
);
const connect = fc
  .tuple(pick('tcp', 'udp'), client, int(40000, 40003), server, pick(80, 53), int(0, 3), pick('fin', 'rst', 'none'))
  .map(([proto, c, cp, s, sp, n, close]) => `connect dev uplink ${proto} ${c}:${cp} > ${s}:${sp} data ${n}${proto === 'tcp' ? ` close ${close}` : ''}`);

const other = fc.oneof(
  pick(0.001, 0.5, 1, 5, 31, 130, 100000).map((s) => `sleep ${s}`),
  pick('conntrack -F', 'sim profile 5.7', 'sim profile 5.8', 'sim profile 6.12', 'tc actions flush action gact'),
  fc.tuple(pick('uplink', 'rep0', 'rep1'), pick('on', 'off')).map(([d, v]) => `ethtool -K ${d} hw-tc-offload ${v}`),
);

export const commandSequence = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: filterAdd },
    { weight: 1, arbitrary: egressAdd },
    { weight: 2, arbitrary: filterDel },
    { weight: 1, arbitrary: qdisc },
    { weight: 2, arbitrary: sysctl },
    { weight: 5, arbitrary: send },
    { weight: 3, arbitrary: connect },
    { weight: 3, arbitrary: other },
  ),
  { minLength: 1, maxLength: 30 },
);

// ---- the observer ----------------------------------------------------------------------

/** FNV-1a over the JSON of every event: equal for equal traces. */
export class TraceHash {
  hash = 0x811c9dc5;
  events = 0;

  readonly listener = (e: SimEvent): void => {
    const s = JSON.stringify(e);
    let h = this.hash;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    this.hash = h;
    this.events++;
  };
}

/**
 * Collects what the invariants need from the event stream: terminal events per packet of the
 * current command, and tc.filter matches per filter object (a replaced filter starts anew).
 */
export class InvariantObserver {
  private terminals = new Map<number, number>();
  private readonly matched = new WeakMap<Filter, { sw: number; hw: number }>();
  private readonly problems: string[] = [];

  constructor(private readonly sim: Simulator) {}

  readonly listener = (e: SimEvent): void => {
    if (e.pkt !== 0 && !this.terminals.has(e.pkt)) this.terminals.set(e.pkt, 0);
    if (e.kind === 'packet.deliver' || e.kind === 'packet.drop') this.terminals.set(e.pkt, this.terminals.get(e.pkt)! + 1);
    if (e.kind === 'tc.filter' && e.matched) {
      const f = this.filterAt(e.dev, e.chain, e.prio, e.handle);
      if (!f) return void this.problems.push(`tc.filter event for a filter that does not exist: ${JSON.stringify(e)}`);
      const m = this.matched.get(f) ?? { sw: 0, hw: 0 };
      m[e.where]++;
      this.matched.set(f, m);
    }
  };

  /** The invariants after a command; returns what is violated (empty when all hold). */
  check(command: string): string[] {
    const out = this.problems.splice(0).map((p) => `${command}: ${p}`);
    for (const [pkt, n] of this.terminals) if (n !== 1) out.push(`${command}: packet ${pkt} has ${n} terminal events`);
    this.terminals = new Map();
    for (const f of this.allFilters()) {
      const m = this.matched.get(f) ?? { sw: 0, hw: 0 };
      if (f.swPackets !== m.sw || f.hwPackets !== m.hw) {
        out.push(`${command}: filter ${f.dev} chain ${f.chain} prio ${f.prio} handle ${f.handle} counts sw ${f.swPackets} hw ${f.hwPackets}, matched sw ${m.sw} hw ${m.hw}`);
      }
    }
    out.push(...this.conntrackProblems().map((p) => `${command}: ${p}`));
    return out;
  }

  private conntrackProblems(): string[] {
    const { conntrack: ct, flowtables } = this.sim;
    const out: string[] = [];
    const now = this.sim.env.now();
    let listed = 0;
    ct.forEach((slot) => {
      listed++;
      const offloaded = (ct.status(slot) & IPS_OFFLOAD) !== 0;
      if (!offloaded && ct.timeoutAt(slot) <= now) out.push(`entry ${ct.ctId(slot)} is listed but expired`);
      const tables = flowtables.all().filter((ft) => ft.flowOfCt(slot) >= 0);
      if (offloaded && tables.length !== 1) out.push(`[OFFLOAD] entry ${ct.ctId(slot)} is in ${tables.length} flowtables`);
      if (tables.length === 1 && tables[0].zone !== ct.zone(slot)) out.push(`entry ${ct.ctId(slot)} of zone ${ct.zone(slot)} is in zone ${tables[0].zone}'s flowtable`);
    });
    if (ct.count() !== listed) out.push(`conntrack -C says ${ct.count()}, -L lists ${listed}`);
    for (const ft of flowtables.all()) {
      ft.forEach((flow) => {
        const slot = ft.ct(flow);
        // A torn-down flow waits for the GC; current kernels clear IPS_OFFLOAD at teardown.
        if (ft.flags(flow) & NF_FLOW_TEARDOWN) return;
        if (!ct.isAlive(slot) || !(ct.status(slot) & IPS_OFFLOAD)) out.push(`zone ${ft.zone} flow of entry ${ct.ctId(slot)} without [OFFLOAD]`);
      });
    }
    return out;
  }

  private filterAt(dev: string, chain: number, prio: number, handle: number): Filter | undefined {
    const q = this.sim.tc.qdisc(dev);
    for (const block of q?.blocks ?? []) {
      const f = block.chain(chain)?.tp(prio)?.byHandle(handle);
      if (f) return f;
    }
    return undefined;
  }

  private *allFilters(): IterableIterator<Filter> {
    for (const d of this.sim.devices.all()) {
      for (const block of this.sim.tc.qdisc(d.name)?.blocks ?? []) {
        for (const c of block.chains) for (const tp of c.tps) yield* tp.filters;
      }
    }
  }
}
