/**
 * tc's objects under a device, named as in the kernel (net/sched/cls_api.c, cls_flower.c):
 * a qdisc (ingress, or clsact with an egress side too) owns a block per hook; a block has
 * chains, kept in creation order as the kernel lists them; a chain holds tcf_protos sorted by
 * prio, each with one protocol; a flower tcf_proto holds filters by handle and looks them up
 * mask by mask, in the order the masks were first used.
 */
import type { Micros } from '../clock';
import type { FlowerKeys, Hook } from '../script/ast';
import type { TcAction } from './actions/action';
import type { FlowerMatch } from './flower';

export class Filter {
  /** Drivers that accepted the filter (tc_setup_cb_add ok_count): in_hw when > 0. */
  inHwCount = 0;
  swPackets = 0;
  swBytes = 0;
  hwPackets = 0;
  hwBytes = 0;
  lastUse: Micros = 0;

  constructor(
    readonly dev: string,
    readonly hook: Hook,
    readonly chain: number,
    readonly prio: number,
    /** The tcf_proto's protocol, ETH_P_ALL for `protocol all`. */
    readonly protocol: number,
    readonly handle: number,
    /** The keys as given; `match` holds what the kernel kept of them. */
    readonly keys: FlowerKeys,
    readonly match: FlowerMatch,
    readonly skipHw: boolean,
    readonly skipSw: boolean,
    readonly verbose: boolean,
    readonly actions: readonly TcAction[],
  ) {}

  /** How traces name the filter: `chain C pref P handle 0xH`, as `tc filter show` prints them. */
  get ref(): string {
    return `chain ${this.chain} pref ${this.prio} handle 0x${this.handle.toString(16)}`;
  }
}

/** Filters sharing one mask (struct fl_flow_mask), in insertion order. */
export interface MaskGroup {
  readonly sig: string;
  readonly filters: Filter[];
}

/** A flower tcf_proto: one prio of one chain. */
export class Proto {
  /** Masks in the order they were created (fl_create_new_mask adds at the tail). */
  readonly masks: MaskGroup[] = [];
  /** By handle, ascending: the order fl_walk dumps them. */
  readonly filters: Filter[] = [];

  constructor(
    readonly chain: Chain,
    readonly prio: number,
    readonly protocol: number,
  ) {}

  byHandle(handle: number): Filter | undefined {
    return this.filters.find((f) => f.handle === handle);
  }

  /** idr_alloc_u32 from 1: the lowest free handle. */
  freeHandle(): number {
    let h = 1;
    for (const f of this.filters) {
      if (f.handle > h) break;
      if (f.handle === h) h++;
    }
    return h;
  }

  maskGroup(sig: string): MaskGroup | undefined {
    return this.masks.find((m) => m.sig === sig);
  }

  insert(f: Filter): void {
    let g = this.maskGroup(f.match.maskSig);
    if (!g) {
      g = { sig: f.match.maskSig, filters: [] };
      this.masks.push(g);
    }
    g.filters.push(f);
    const at = this.filters.findIndex((x) => x.handle > f.handle);
    this.filters.splice(at < 0 ? this.filters.length : at, 0, f);
  }

  /** fl_change with an old filter: the new one takes its place in the mask's list. */
  replace(old: Filter, f: Filter): void {
    const g = this.maskGroup(old.match.maskSig)!;
    g.filters[g.filters.indexOf(old)] = f;
    this.filters[this.filters.indexOf(old)] = f;
  }

  /** __fl_delete; a mask goes with its last filter (fl_mask_put). */
  remove(f: Filter): void {
    const g = this.maskGroup(f.match.maskSig)!;
    g.filters.splice(g.filters.indexOf(f), 1);
    if (g.filters.length === 0) this.masks.splice(this.masks.indexOf(g), 1);
    this.filters.splice(this.filters.indexOf(f), 1);
  }
}

/**
 * A chain lives while something holds it: a tcf_proto, an explicit `tc chain add`, or a goto
 * action (tcf_chain_get_by_act). Chains held only by actions are hidden from dumps
 * (tcf_chain_held_by_acts_only) but still found by goto and by the skb extension.
 */
export class Chain {
  /** Sorted by prio. */
  readonly tps: Proto[] = [];
  explicitlyCreated = false;
  actionRefs = 0;

  constructor(
    readonly block: Block,
    readonly index: number,
  ) {}

  get heldByActionsOnly(): boolean {
    return this.tps.length === 0 && !this.explicitlyCreated;
  }

  get unused(): boolean {
    return this.heldByActionsOnly && this.actionRefs === 0;
  }

  tp(prio: number): Proto | undefined {
    return this.tps.find((t) => t.prio === prio);
  }

  insertTp(tp: Proto): void {
    const at = this.tps.findIndex((t) => t.prio > tp.prio);
    this.tps.splice(at < 0 ? this.tps.length : at, 0, tp);
  }

  removeTp(tp: Proto): void {
    this.tps.splice(this.tps.indexOf(tp), 1);
  }
}

export class Block {
  /** list_add_tail order: dumps walk chains in the order they were created. */
  readonly chains: Chain[] = [];
  /** The hook iproute2 last addressed a filter to (block->classid), printed when a dump asks for another. */
  classidHook: Hook | null = null;

  constructor(
    readonly dev: string,
    readonly hook: Hook,
  ) {}

  chain(index: number): Chain | undefined {
    // A plain loop: this runs several times per packet, and a find() callback is a closure.
    for (const c of this.chains) if (c.index === index) return c;
    return undefined;
  }

  /** tcf_chain_get(create=true). */
  getOrCreate(index: number): Chain {
    let c = this.chain(index);
    if (!c) {
      c = new Chain(this, index);
      this.chains.push(c);
    }
    return c;
  }

  /** Drops a chain nothing holds any more (__tcf_chain_put reaching zero). */
  release(c: Chain): void {
    if (c.unused && this.chains.includes(c)) this.chains.splice(this.chains.indexOf(c), 1);
  }

  /** Filters in all chains of the block (the simulator's resource limit counts them). */
  filterCount(): number {
    let n = 0;
    for (const c of this.chains) for (const tp of c.tps) n += tp.filters.length;
    return n;
  }

  /** Chain 0's filters: what the device's mini-qdisc classifies with (empty means tc does not run). */
  get hasFilters(): boolean {
    const c0 = this.chain(0);
    return c0 !== undefined && c0.tps.length > 0;
  }
}

export type QdiscKind = 'ingress' | 'clsact';

export class Qdisc {
  readonly ingress: Block;
  readonly egress: Block | null;

  constructor(
    readonly dev: string,
    /** The device's ifindex: the datapath finds the qdisc by it (see Tc.qdiscByIfindex). */
    readonly ifindex: number,
    readonly kind: QdiscKind,
  ) {
    this.ingress = new Block(dev, 'ingress');
    this.egress = kind === 'clsact' ? new Block(dev, 'egress') : null;
  }

  /**
   * The block a `tc filter … ingress|egress` request reaches. The ingress qdisc has one block
   * and ingress_find/ingress_tcf_block ignore the class, so `egress` lands on it too.
   */
  blockFor(hook: Hook): Block {
    return hook === 'egress' && this.egress ? this.egress : this.ingress;
  }

  /** The block classification runs on a hook (an ingress qdisc has no egress hook). */
  classifyBlock(hook: Hook): Block | null {
    return hook === 'ingress' ? this.ingress : this.egress;
  }

  get blocks(): Block[] {
    return this.egress ? [this.ingress, this.egress] : [this.ingress];
  }
}
