/**
 * The typed event stream: the only contract between the engine and anything that draws or
 * records it (UI, CLI --trace, tests). Every event carries virtual time `t` (µs) and `pkt`,
 * the id of the packet it concerns (0 for events no packet caused, such as timers and GC), plus
 * the place (device, chain, prio, handle, action order, table) so a UI can draw the hop and
 * explain it. A packet's whole journey is the ordered list of events with its id.
 *
 * Order: events are emitted when the step completes, so an action's own work comes before the
 * `tc.action` that closes it — `ct.lookup`/`ft.*` of a ct action, and for mirred the packet's
 * whole continued journey on the target device (its `packet.arrive` … `packet.deliver`) — and
 * a hook's `tc.verdict` comes after everything its actions caused. A UI nests the events between
 * a `tc.filter` and each `tc.action` under that action (mirred transmits inline, as
 * act_mirred does), and a packet's terminal event is its `packet.deliver`/`packet.drop`, which
 * need not be its last event.
 *
 * Emitters must guard construction with `bus.active` so that nothing is allocated per packet
 * when nobody listens.
 */
import type { Micros } from './clock';
import { FORK_KEEPS } from './fork';

/** A connection tuple as shown to people (addresses formatted). */
export interface TupleView {
  proto: string;
  src: string;
  dst: string;
  /** Ports for TCP/UDP; ICMP shows type/code/id instead. */
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
}

export type Where = 'sw' | 'hw';
export type DeliverTo = 'vm' | 'wire' | 'host' | 'ovs';

export type SimEvent =
  // ---- packets entering and leaving -------------------------------------------------------
  | { kind: 'packet.inject'; t: Micros; pkt: number; dev: string; summary: string; line: number }
  | { kind: 'packet.arrive'; t: Micros; pkt: number; dev: string; hook: 'ingress' | 'egress'; where: Where; summary: string }
  | { kind: 'packet.deliver'; t: Micros; pkt: number; dev: string; to: DeliverTo; target: string; where: Where; summary: string }
  | { kind: 'packet.drop'; t: Micros; pkt: number; dev: string; where: Where; reason: string }
  | { kind: 'packet.encap'; t: Micros; pkt: number; dev: string; vni: number; src: string; dst: string }
  | { kind: 'packet.decap'; t: Micros; pkt: number; dev: string; vni: number; src: string; dst: string }
  // ---- tc classification ------------------------------------------------------------------
  | { kind: 'tc.classify'; t: Micros; pkt: number; dev: string; hook: 'ingress' | 'egress'; chain: number; where: Where; resumed: boolean; ctState: string }
  | {
      kind: 'tc.filter';
      t: Micros;
      pkt: number;
      dev: string;
      chain: number;
      prio: number;
      handle: number;
      where: Where;
      matched: boolean;
      /** Flower keys that did not match (in flower's print order), empty when matched. */
      failed: string[];
      /** Why the filter was passed over without matching (e.g. `skip_sw`). */
      skipped?: string;
    }
  | {
      kind: 'tc.action';
      t: Micros;
      pkt: number;
      dev: string;
      chain: number;
      prio: number;
      handle: number;
      /** 1-based action order within the filter, as `tc filter show` numbers them. */
      order: number;
      action: string;
      /** The action as `tc filter show` prints it (e.g. `ct commit zone 1 pipe`). */
      text: string;
      where: Where;
      /** tc control result: pipe, ok, shot, stolen, continue, reclassify, goto chain N, consumed. */
      verdict: string;
      detail?: string;
    }
  | { kind: 'tc.verdict'; t: Micros; pkt: number; dev: string; where: Where; verdict: string; chain: number; why: string }
  // ---- conntrack --------------------------------------------------------------------------
  | {
      kind: 'ct.lookup';
      t: Micros;
      pkt: number;
      zone: number;
      tuple: TupleView;
      /**
       * hit in original or reply direction, a new (unconfirmed) entry, or invalid; `cached`: the
       * skb's ct reused; `ignored`: nf_conntrack_in left an skb that already carries a ct (or
       * IP_CT_UNTRACKED) alone, as for a zone-0 ct action before v5.13.
       */
      result: 'orig' | 'reply' | 'new' | 'invalid' | 'related' | 'cached' | 'ignored';
      ctId: number;
      ctState: string;
      stateBefore: string;
      stateAfter: string;
      reason?: string;
    }
  | { kind: 'ct.nat'; t: Micros; pkt: number; ctId: number; manip: 'src' | 'dst'; before: TupleView; after: TupleView }
  | { kind: 'ct.new'; t: Micros; pkt: number; ctId: number; zone: number; orig: TupleView; reply: TupleView }
  | { kind: 'ct.confirm'; t: Micros; pkt: number; ctId: number; zone: number; mark: number; label: string }
  | { kind: 'ct.state'; t: Micros; pkt: number; ctId: number; from: string; to: string; status: string; timeout: number }
  | { kind: 'ct.destroy'; t: Micros; pkt: number; ctId: number; zone: number; reason: 'expired' | 'killed' | 'unconfirmed' | 'flush' | 'replaced' }
  // ---- nf_flowtable -----------------------------------------------------------------------
  | { kind: 'ft.table'; t: Micros; pkt: number; zone: number; op: 'create' | 'destroy' }
  | { kind: 'ft.lookup'; t: Micros; pkt: number; zone: number; hit: boolean; ctId: number; reason?: string }
  | { kind: 'ft.add'; t: Micros; pkt: number; zone: number; ctId: number; bidirectional: boolean }
  | { kind: 'ft.refresh'; t: Micros; pkt: number; zone: number; ctId: number; timeout: Micros }
  | { kind: 'ft.teardown'; t: Micros; pkt: number; zone: number; ctId: number; reason: 'fin' | 'rst' | 'expired' | 'ct-dying' | 'outdated' | 'table-freed' | 'device' }
  | { kind: 'ft.free'; t: Micros; pkt: number; zone: number; ctId: number }
  // ---- hardware offload (the switchdev NIC, src/engine/hw) --------------------------------
  /** A tc filter offered to the driver (fl_hw_replace_filter → the driver's block callback). */
  | { kind: 'hw.filter'; t: Micros; pkt: 0; dev: string; chain: number; prio: number; handle: number; op: 'add' | 'del'; accepted: boolean; reason?: string }
  /** ethtool -K DEV hw-tc-offload: accepted, or refused by the driver (its dmesg line). */
  | { kind: 'hw.feature'; t: Micros; pkt: 0; dev: string; on: boolean; accepted: boolean; message?: string }
  /** The driver registers / unregisters its flow_block callback on a zone's flowtable. */
  | { kind: 'hw.ft_cb'; t: Micros; pkt: number; zone: number; op: 'register' | 'unregister' }
  /** A flowtable offload work item: queued, dropped (pending bit, queue limit) or deferred by a policy. */
  | { kind: 'hw.queue'; t: Micros; pkt: number; zone: number; ctId: number; op: 'add' | 'del' | 'stats'; result: 'queued' | 'dropped' | 'deferred'; reason?: string }
  /** The driver's answer to FLOW_CLS_REPLACE / FLOW_CLS_DESTROY for one direction of a connection. */
  | { kind: 'hw.ct_entry'; t: Micros; pkt: number; zone: number; ctId: number; dir: 0 | 1; table: 'ct' | 'ct_nat'; op: 'add' | 'update' | 'del' | 'refused' | 'evicted'; reason?: string }
  /** FLOW_CLS_STATS: counter deltas reported to the flowtable (which refreshes the flow timeout). */
  | { kind: 'hw.stats'; t: Micros; pkt: 0; zone: number; ctId: number; packets: number; bytes: number; lastUsed: Micros }
  /** A hardware table lookup: a chain table (`chain 2`), or the CT / CT-NAT table. */
  | { kind: 'hw.table'; t: Micros; pkt: number; dev: string; table: string; hit: boolean; chain: number; prio?: number; handle?: number; ctId?: number; ctState?: string }
  /**
   * Hardware missed: the packet goes up to software with what the driver restores — the chain
   * (tc skb extension) or the action (act_miss), the ct state (restore cookie) and tunnel info.
   */
  | {
      kind: 'hw.miss';
      t: Micros;
      pkt: number;
      dev: string;
      table: string;
      reason: string;
      /** Device software resumes on (the tunnel device after decap). */
      resumeDev: string;
      resumeChain: number;
      /** `chain C pref P handle 0xH action N` when resuming at an action (v6.4 act_miss), else ''. */
      resumeAction: string;
      /** ct_state restored on the skb ('' when none). */
      ctState: string;
      tunnel: boolean;
      /** Zone of the conntrack entry restored with ct_state (absent when none was). */
      zone?: number;
      /** Tunnel id (VNI) of the tunnel info restored (absent when none was). */
      tunnelId?: number;
    }
  /** Open vSwitch: a packet tc left unclassified continues in the OVS datapath. */
  | { kind: 'ovs.recirc'; t: Micros; pkt: number; dev: string; recircId: number; hit: boolean; upcall: boolean }
  // ---- commands and timers ----------------------------------------------------------------
  | { kind: 'timer'; t: Micros; pkt: 0; name: string }
  | { kind: 'command'; t: Micros; pkt: 0; line: number; text: string };

export type SimEventKind = SimEvent['kind'];

export type Listener = (e: SimEvent) => void;

/** Fan-out of events to listeners. `active` is false when nobody listens: check it first. */
export class EventBus {
  /** A fork (fork.ts) reports to its own listeners only: none until someone subscribes. */
  static readonly [FORK_KEEPS] = ['listeners', 'active'];
  private listeners: Listener[] = [];
  private muted = false;
  active = false;
  count = 0;

  subscribe(fn: Listener): () => void {
    this.listeners.push(fn);
    this.active = !this.muted;
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
      this.active = !this.muted && this.listeners.length > 0;
    };
  }

  /** Silences the bus for a while (the untraced packets of a sampled traffic slice). */
  setMuted(muted: boolean): void {
    this.muted = muted;
    this.active = !muted && this.listeners.length > 0;
  }

  emit(e: SimEvent): void {
    this.count++;
    for (const l of this.listeners) l(e);
  }
}

/** Exhaustiveness helper for `switch (e.kind)`. */
export function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
