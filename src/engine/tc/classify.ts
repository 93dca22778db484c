/**
 * Classification (net/sched/cls_api.c tcf_classify / __tcf_classify, cls_flower.c fl_classify,
 * act_api.c tcf_action_exec): start at chain 0 — or at the chain a tc skb extension names,
 * consuming it — walk the chain's tcf_protos by prio (skipping those of another protocol), let
 * each flower tcf_proto find its filter mask by mask, and run the first match's actions.
 * `reclassify` restarts at chain 0, `goto chain N` at chain N, both at most max_reclassify_loop
 * times; a filter whose actions end in `continue` passes on to the next tcf_proto.
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { Env } from '../env';
import type { Where } from '../events';
import type { Device } from '../model/devices';
import { frameLength, tcIngressLength, type Packet } from '../model/packet';
import type { Hook } from '../script/ast';
import type { ActionRun } from './actions/action';
import { controlName } from './control';
import { tcBehaviour } from './features';
import { ETH_P_ALL } from '../script/protocols';
import { CtKey, ctStateString, packetCtState, type FlowerView } from './flower';
import type { TcHost } from './host';
import type { Block, Chain, Filter, Proto, Qdisc } from './objects';
import {
  TC_ACT_OK,
  TC_ACT_PIPE,
  TC_ACT_RECLASSIFY,
  TC_ACT_SHOT,
  TC_ACT_UNSPEC,
  isGotoChain,
  verdictName,
} from './verdict';

/** The outcome of the last `classify` call (one object, reused). */
export interface ClassifyResult {
  verdict: number;
  /**
   * tcf_classify's last_executed_chain: the chain classification ended in. On a miss outside
   * chain 0 a tc skb extension carries it to whoever handles the packet next (OVS).
   */
  lastChain: number;
  /** A mirred redirect handed the packet to another device. */
  redirected: boolean;
  /** Why the packet must be dropped, when tc knows more than "returned drop". */
  dropReason: string;
}

/** Per nesting level (a mirred action may classify the packet again on another device). */
class Frame implements ActionRun, FlowerView {
  pkt!: Packet;
  where: Where = 'sw';
  bytes = 0;
  now = 0;
  redirected = false;
  dropReason = '';
  readonly ct = new CtKey();
  /** The ct key is read lazily and again after every action list. */
  ctLoaded = false;
  /** Target of the goto chain the last action list ended with. */
  gotoChain: Chain | null = null;
  /** The filter whose actions gave the verdict. */
  filter: Filter | null = null;
  dev = '';

  constructor(
    readonly host: TcHost,
    readonly conntrack: Conntrack,
  ) {}
}

export class Classifier {
  readonly result: ClassifyResult = { verdict: TC_ACT_UNSPEC, lastChain: 0, redirected: false, dropReason: '' };
  private readonly frames: Frame[] = [];
  private depth = 0;
  private readonly env: Env;

  constructor(
    private readonly host: TcHost,
    /** By device ifindex (dev->miniq_ingress / miniq_egress). */
    private readonly qdiscs: readonly (Qdisc | undefined)[],
  ) {
    this.env = host.env;
  }

  /** Whether tc runs on the hook at all: a qdisc with filters in chain 0 (the device's mini-qdisc). */
  hasHook(dev: Device, hook: Hook): boolean {
    return this.qdiscs[dev.ifindex]?.classifyBlock(hook)?.hasFilters ?? false;
  }

  /** The verdict of a device without the hook: tc does not run. */
  noHook(): number {
    return this.finish(null, TC_ACT_UNSPEC, 0);
  }

  /**
   * `resume` (v6.4 hardware miss to action, tcf_exts_miss_cookie_lookup): instead of matching,
   * run that filter's actions from 0-based `resumeAction`, then go on as its verdict says.
   */
  classify(pkt: Packet, dev: Device, hook: Hook, where: Where, startChain: number, resume: Filter | null = null, resumeAction = 0): number {
    const block = this.qdiscs[dev.ifindex]?.classifyBlock(hook);
    if (!block || !block.hasFilters) return this.noHook();
    const f = this.enter(pkt, dev.name, where, hook);
    try {
      return this.run(f, block, hook, resume ? resume.chain : startChain, resume, resumeAction);
    } finally {
      this.depth--;
    }
  }

  private enter(pkt: Packet, dev: string, where: Where, hook: Hook): Frame {
    let f = this.frames[this.depth];
    if (!f) {
      f = new Frame(this.host, this.host.conntrack);
      this.frames[this.depth] = f;
    }
    this.depth++;
    f.pkt = pkt;
    f.dev = dev;
    f.where = where;
    // qdisc_pkt_len: the L3 packet on ingress, the frame on egress and in hardware counters.
    f.bytes = where === 'sw' && hook === 'ingress' ? tcIngressLength(pkt) : frameLength(pkt);
    f.now = this.env.now();
    f.redirected = false;
    f.dropReason = '';
    f.ctLoaded = false;
    f.gotoChain = null;
    f.filter = null;
    return f;
  }

  private run(f: Frame, block: Block, hook: Hook, startChain: number, resume: Filter | null, resumeAction: number): number {
    const behaviour = tcBehaviour(this.env.profile);
    const chain0 = block.chain(0)!;
    let chain = chain0;
    const meta = f.pkt.meta;
    // The skb extension only exists on ingress (tcf_classify_ingress in 5.7).
    const ext = startChain >= 0 ? startChain : hook === 'ingress' && meta.extChain > 0 ? meta.extChain : -1;
    if (ext >= 0) {
      const c = block.chain(ext);
      if (!c) {
        f.dropReason = `chain ${ext} named by the tc skb extension does not exist`;
        return this.finish(f, TC_ACT_SHOT, ext);
      }
      if (startChain < 0) meta.extChain = -1;
      chain = c;
    }
    if (this.env.events.active) {
      const ctState = ctStateString(packetCtState(f.pkt, behaviour.ctStateReplyInvalid));
      this.env.events.emit({ kind: 'tc.classify', t: f.now, pkt: f.pkt.id, dev: f.dev, hook, chain: chain.index, where: f.where, resumed: ext >= 0, ctState });
    }
    let last = chain.index;
    if (resume && this.env.events.active) this.emitFilter(f, resume, true, []);
    for (let jumps = 0; ; jumps++) {
      const v = resume && jumps === 0 ? this.execActions(f, resume, resumeAction) : this.walk(f, chain, behaviour.ctStateReplyInvalid);
      if (v === TC_ACT_RECLASSIFY || isGotoChain(v)) f.filter = null;
      if (v === TC_ACT_RECLASSIFY) {
        chain = chain0;
      } else if (isGotoChain(v)) {
        chain = f.gotoChain!;
      } else {
        return this.finish(f, v, last);
      }
      last = chain.index;
      if (jumps >= behaviour.maxReclassifyLoop) {
        f.dropReason = `more than ${behaviour.maxReclassifyLoop} goto chain/reclassify jumps (max_reclassify_loop)`;
        return this.finish(f, TC_ACT_SHOT, last);
      }
    }
  }

  /** One pass over a chain's tcf_protos; UNSPEC when none of them decides. */
  private walk(f: Frame, chain: Chain, replyInvalid: boolean): number {
    const protocol = f.pkt.ethType;
    for (const tp of chain.tps) {
      if (tp.protocol !== protocol && tp.protocol !== ETH_P_ALL) {
        if (this.env.events.active) for (const flt of tp.filters) this.emitFilter(f, flt, false, [], 'protocol');
        continue;
      }
      const v = this.classifyTp(f, tp, replyInvalid);
      if (v >= 0) return v;
    }
    return TC_ACT_UNSPEC;
  }

  /**
   * fl_classify: per mask, the filter whose masked key equals the packet's. A skip_sw filter
   * found in software ends the mask's lookup without a match. In hardware only filters the
   * drivers accepted exist.
   */
  private classifyTp(f: Frame, tp: Proto, replyInvalid: boolean): number {
    const trace = this.env.events.active;
    for (const g of tp.masks) {
      let hit: Filter | null = null;
      for (const flt of g.filters) {
        if (f.where === 'hw' && flt.inHwCount === 0) continue;
        if (flt.match.usesCt && !f.ctLoaded) {
          f.ct.load(f.pkt, f.conntrack, replyInvalid);
          f.ctLoaded = true;
        }
        if (!trace) {
          if (flt.match.check(f, null)) {
            hit = flt;
            break;
          }
          continue;
        }
        const failed: string[] = [];
        if (flt.match.check(f, failed)) {
          hit = flt;
          break;
        }
        this.emitFilter(f, flt, false, failed);
      }
      if (!hit) continue;
      if (f.where === 'sw' && hit.skipSw) {
        if (trace) this.emitFilter(f, hit, false, [], 'skip_sw');
        continue;
      }
      if (trace) this.emitFilter(f, hit, true, []);
      return this.execActions(f, hit);
    }
    return TC_ACT_UNSPEC;
  }

  /** tcf_exts_exec → tcf_action_exec: actions run while they return `pipe`; the last verdict counts. */
  private execActions(f: Frame, flt: Filter, from = 0): number {
    if (f.where === 'sw') {
      flt.swPackets++;
      flt.swBytes += f.bytes;
    } else {
      flt.hwPackets++;
      flt.hwBytes += f.bytes;
    }
    flt.lastUse = f.now;
    f.filter = flt;
    let v = TC_ACT_OK;
    const actions = flt.actions;
    for (let i = from; i < actions.length; i++) {
      const a = actions[i];
      v = a.exec(f);
      if (this.env.events.active) {
        this.env.events.emit({
          kind: 'tc.action',
          t: f.now,
          pkt: f.pkt.id,
          dev: f.dev,
          chain: flt.chain,
          prio: flt.prio,
          handle: flt.handle,
          order: i + 1,
          action: a.kind,
          text: a.summary(),
          where: f.where,
          verdict: controlName(v),
        });
      }
      if (isGotoChain(v)) f.gotoChain = a.gotoChain;
      if (v !== TC_ACT_PIPE) break;
    }
    // Actions may have tracked, NATed or cleared the connection: flower reads ct afresh.
    f.ctLoaded = false;
    return v;
  }

  private finish(f: Frame | null, verdict: number, lastChain: number): number {
    const r = this.result;
    r.verdict = verdict;
    r.lastChain = lastChain;
    r.redirected = f?.redirected ?? false;
    r.dropReason = f?.dropReason ?? '';
    if (f && this.env.events.active) {
      this.env.events.emit({ kind: 'tc.verdict', t: f.now, pkt: f.pkt.id, dev: f.dev, where: f.where, verdict: verdictName(verdict), chain: lastChain, why: this.why(f, verdict, lastChain) });
    }
    return verdict;
  }

  private why(f: Frame, verdict: number, lastChain: number): string {
    if (f.dropReason) return f.dropReason;
    const flt = f.filter;
    if (verdict === TC_ACT_UNSPEC) {
      return flt ? `chain ${lastChain}: the last matching filter ended in continue` : `no filter matched in chain ${lastChain}`;
    }
    if (!flt) return verdictName(verdict);
    return `${flt.ref}: ${controlName(verdict)}`;
  }

  private emitFilter(f: Frame, flt: Filter, matched: boolean, failed: string[], skipped?: string): void {
    this.env.events.emit({
      kind: 'tc.filter',
      t: f.now,
      pkt: f.pkt.id,
      dev: f.dev,
      chain: flt.chain,
      prio: flt.prio,
      handle: flt.handle,
      where: f.where,
      matched,
      failed,
      ...(skipped ? { skipped } : {}),
    });
  }
}

