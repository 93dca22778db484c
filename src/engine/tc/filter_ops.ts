/**
 * `tc filter add|replace|change|del` as cls_api.c tc_new_tfilter / tc_del_tfilter and
 * cls_flower.c fl_change / fl_delete handle them, checks in the kernel's order. iproute2's own
 * checks (the devices named) come first, as they fail before anything is sent.
 */
import type { ActionSpec, Command, Spanned } from '../script/ast';
import type { Acquired, ActionTables } from './actions/table';
import { noDevice, talkError, type TcError } from './errors';
import { ETH_P_ALL } from '../script/protocols';
import { compileFlower, isCtStateRefusal, type FlowerMatch } from './flower';
import { tcBehaviour } from './features';
import type { TcHost } from './host';
import { Filter, Proto, type Block, type Chain, type Qdisc } from './objects';
import { TC_ACT_EXT_VAL_MASK } from './verdict';

type FilterAdd = Extract<Command, { kind: 'tc.filter.add' }>;
type FilterDel = Extract<Command, { kind: 'tc.filter.del' }>;
type Result = { output?: string } | { error: TcError };

/** tcf_auto_prio's first choice (TC_H_MAKE(0xC0000000U, 0U)). */
const AUTO_PRIO_FIRST = 0xc000;
/** The prio tcf_chain_tp_find is asked for when allocating one (TC_H_MAKE(0x80000000U, 0U)). */
const AUTO_PRIO_PROBE = 0x8000;

/** iproute2 resolves every device a command names before sending it (ll_name_to_index). */
export function missingDevice(host: TcHost, dev: Spanned<string> | null, actions: readonly ActionSpec[]): TcError | null {
  if (dev && !host.devices.has(dev.value)) return { span: dev.span, message: noDevice(dev.value) };
  for (const a of actions) {
    if (a.body.kind === 'mirred' && !host.devices.has(a.body.dev.value)) {
      return { span: a.body.dev.span, message: noDevice(a.body.dev.value) };
    }
  }
  return null;
}

/** __tcf_qdisc_find + __tcf_block_find: the block of the device's ingress/clsact qdisc. */
export function findBlock(qdiscs: ReadonlyMap<string, Qdisc>, dev: Spanned<string>, hook: 'ingress' | 'egress'): Block | TcError {
  const q = qdiscs.get(dev.value);
  if (!q) return talkError(dev.span, { extack: "Parent Qdisc doesn't exists" });
  return q.blockFor(hook);
}

/** The simulator's limit on filters per device hook (all chains together). */
export const MAX_FILTERS_PER_HOOK = 10_000;

export class FilterOps {
  constructor(
    private readonly host: TcHost,
    private readonly actions: ActionTables,
    private readonly qdiscs: ReadonlyMap<string, Qdisc>,
  ) {}

  /** tc_new_tfilter (+ fl_change). `add` is NLM_F_CREATE|NLM_F_EXCL, `replace` NLM_F_CREATE, `change` neither. */
  add(cmd: FilterAdd): Result {
    const spec = cmd.filter;
    const missing = missingDevice(this.host, spec.dev, spec.actions);
    if (missing) return { error: missing };
    const create = cmd.op !== 'change';
    const fail = (reply: Parameters<typeof talkError>[1]): Result => ({ error: talkError(cmd.span, reply) });
    let prio = spec.prio ?? 0;
    if (prio === 0 && !create) return fail({ extack: 'Invalid filter command with priority of zero' });
    const block = findBlock(this.qdiscs, spec.dev, spec.hook);
    if ('message' in block) return { error: block };
    if (spec.chain > TC_ACT_EXT_VAL_MASK) return fail({ extack: 'Specified chain index exceeds upper limit' });
    // iproute2 asks for ETH_P_ALL when creating without a protocol; `change` leaves it unset.
    const protocol = spec.protocol !== 0 ? spec.protocol : create ? ETH_P_ALL : 0;
    const existingChain = block.chain(spec.chain);

    // tcf_chain_tp_find: one tcf_proto per prio, of one protocol.
    let tp: Proto | undefined;
    if (prio === 0) {
      const tps = existingChain?.tps ?? [];
      const probe = tps.findIndex((t) => t.prio >= AUTO_PRIO_PROBE);
      if (probe >= 0 && tps[probe].prio === AUTO_PRIO_PROBE) return fail({ extack: 'Filter with specified priority/protocol not found' });
      const prev = probe < 0 ? tps[tps.length - 1] : tps[probe - 1];
      prio = prev ? prev.prio - 1 : AUTO_PRIO_FIRST;
      tp = existingChain?.tp(prio);
      // tcf_chain_tp_insert_unique: the prio it picked may already be taken.
      if (tp && tp.protocol !== protocol) return fail({ errno: 'EINVAL' });
    } else {
      tp = existingChain?.tp(prio);
      if (tp && protocol && tp.protocol !== protocol) return fail({ extack: 'Filter with specified priority/protocol not found' });
      if (!tp && !protocol) return fail({ extack: 'Filter kind and protocol must be specified' });
      if (!tp && !create) return fail({ extack: 'Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter' });
    }

    const old = tp && spec.handle ? tp.byHandle(spec.handle) : undefined;
    if (!old && !create) return fail({ extack: 'Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter' });
    if (old && cmd.op === 'add') return fail({ extack: 'Filter already exists' });
    // Not a kernel limit (the kernel is bounded by memory): the simulator's, so that a pasted
    // or generated script cannot grow a hook without bound.
    if (!old && block.filterCount() >= MAX_FILTERS_PER_HOOK) {
      return { error: { span: cmd.span, message: `too many filters: the simulator holds at most ${MAX_FILTERS_PER_HOOK} per device hook` } };
    }
    // tc_flags_valid: skip_hw and skip_sw exclude each other.
    if (spec.skipHw && spec.skipSw) return fail({ errno: 'EINVAL' });

    // From here on the request takes references; a failure gives them back.
    const chain = block.getOrCreate(spec.chain);
    const acquired: Acquired[] = [];
    const undo = (error: TcError): Result => {
      this.actions.settle(acquired, false, true);
      block.release(chain);
      return { error };
    };
    for (const a of spec.actions) {
      const got = this.actions.acquire(a, block, true, false);
      if ('span' in got) return undo(got);
      acquired.push(got);
    }
    const behaviour = tcBehaviour(this.host.env.profile);
    const match = compileFlower({
      keys: spec.keys,
      protocol: tp?.protocol ?? protocol,
      indevExists: spec.keys.indev === undefined || this.host.devices.has(spec.keys.indev),
      validateCtState: behaviour.validatesCtState,
    });
    if (typeof match === 'string') {
      const at = isCtStateRefusal(match) ? (spec.ctStateSpan ?? cmd.span) : cmd.span;
      return undo(talkError(at, { extack: match }));
    }
    const clash = this.maskProblem(tp, old, match);
    if (clash) return undo(talkError(cmd.span, { errno: clash }));

    const handle = old ? old.handle : (spec.handle ?? tp?.freeHandle() ?? 1);
    const filter = new Filter(
      spec.dev.value,
      block.hook,
      spec.chain,
      prio,
      tp?.protocol ?? protocol,
      handle,
      spec.keys,
      match,
      spec.skipHw,
      spec.skipSw,
      spec.verbose,
      acquired.map((a) => a.action),
    );
    let warning: string | undefined;
    if (!spec.skipHw) {
      // fl_hw_replace_filter: with skip_sw the rule must reach hardware; otherwise a refusal is
      // silent (the driver's words only show with `verbose`).
      const hw = this.host.offloadFilter(spec.dev.value, filter);
      if (spec.skipSw && hw.error) return undo(talkError(cmd.span, { extack: hw.error }));
      if (spec.skipSw && hw.inHwCount === 0) return undo(talkError(cmd.span, { errno: 'EINVAL' }));
      if (hw.error && spec.verbose) warning = `Warning: ${hw.error}${hw.error.endsWith('.') ? '' : '.'}\n`;
      filter.inHwCount = hw.inHwCount;
    }

    this.actions.settle(acquired, true, true);
    if (!tp) {
      tp = new Proto(chain, prio, protocol);
      chain.insertTp(tp);
    }
    if (old) {
      tp.replace(old, filter);
      this.destroy(old);
    } else {
      tp.insert(filter);
    }
    block.classidHook = spec.hook;
    return warning ? { output: warning } : {};
  }

  /**
   * fl_check_assign_mask / fl_ht_insert_unique: a replacement must keep the old filter's mask,
   * and a new filter may not repeat the masked key of another filter with the same mask.
   */
  private maskProblem(tp: Proto | undefined, old: Filter | undefined, match: FlowerMatch): 'EINVAL' | 'EEXIST' | null {
    if (old) return old.match.maskSig === match.maskSig ? null : 'EINVAL';
    const group = tp?.maskGroup(match.maskSig);
    return group?.filters.some((f) => f.match.keySig === match.keySig) ? 'EEXIST' : null;
  }

  /** tc_del_tfilter: a handle, a whole prio, or (no prio) the whole chain. */
  del(cmd: FilterDel): Result {
    const missing = missingDevice(this.host, cmd.dev, []);
    if (missing) return { error: missing };
    const fail = (extack: string): Result => ({ error: talkError(cmd.span, { extack }) });
    const prio = cmd.prio ?? 0;
    if (prio === 0 && cmd.handle) return fail('Cannot flush filters with protocol, handle or kind set');
    const block = findBlock(this.qdiscs, cmd.dev, cmd.hook);
    if ('message' in block) return { error: block };
    const index = cmd.chain ?? 0;
    if (index > TC_ACT_EXT_VAL_MASK) return fail('Specified chain index exceeds upper limit');
    const chain = block.chain(index);
    if (!chain) return prio === 0 ? {} : fail('Cannot find specified filter chain');
    if (prio === 0) {
      this.flushChain(chain);
      return {};
    }
    const tp = chain.tp(prio);
    if (!tp) return fail('Filter with specified priority/protocol not found');
    if (!cmd.handle) {
      this.removeTp(tp);
    } else {
      const f = tp.byHandle(cmd.handle);
      if (!f) return fail('Specified filter handle not found');
      tp.remove(f);
      this.destroy(f);
      if (tp.filters.length === 0) this.removeTp(tp);
    }
    block.release(chain);
    return {};
  }

  /** tcf_chain_flush: every tcf_proto of the chain goes; the chain stays while something holds it. */
  flushChain(chain: Chain): void {
    for (const tp of [...chain.tps]) this.removeTp(tp);
    chain.block.release(chain);
  }

  private removeTp(tp: Proto): void {
    tp.chain.removeTp(tp);
    for (const f of [...tp.filters]) {
      tp.remove(f);
      this.destroy(f);
    }
  }

  /** __fl_delete: out of hardware (unless skip_hw), then the filter lets go of its actions. */
  private destroy(f: Filter): void {
    if (!f.skipHw) this.host.onFilterRemoved(f.dev, f);
    for (const a of f.actions) this.actions.put(a, true);
  }
}
