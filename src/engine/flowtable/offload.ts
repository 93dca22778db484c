/**
 * The flowtable → driver path (net/netfilter/nf_flow_table_offload.c): drivers register block
 * callbacks on a zone's flowtable; add/del/stats requests go through work queues
 * (nf_ft_offload_add/_del/_stats). A request for a flow whose previous work is still pending is
 * dropped (nf_flow_offload_work_alloc: test_and_set_bit(NF_FLOW_HW_PENDING)).
 */
import { IPS_HW_OFFLOAD } from '../conntrack/conntrack';
import type { Conntrack } from '../conntrack/conntrack';
import type { TimerOwner } from '../clock';
import type { Env } from '../env';
import {
  NF_FLOW_HW_BIDIRECTIONAL,
  NF_FLOW_HW_DEAD,
  NF_FLOW_HW_DYING,
  NF_FLOW_HW_PENDING,
  NF_FLOW_TEARDOWN,
} from './flags';
import type { FlowTable } from './flowtable';
import { WorkRing, type Op } from './work_ring';

export type FlowDir = 0 | 1;

/** Hardware counter deltas for one direction (mlx5_fc_query_cached). */
export interface FlowStats {
  packets: number;
  bytes: number;
  /** Virtual time (µs) of the last packet the counter saw. */
  lastUsed: number;
}

/** A driver's flow_block callback on a flowtable (TC_SETUP_CLSFLOWER on the flow block). */
export interface FlowOffloadCallback {
  readonly name: string;
  /** FLOW_CLS_REPLACE for one direction. Returns true when the driver accepted it. */
  replace(ft: FlowTable, flow: number, dir: FlowDir): boolean;
  /** FLOW_CLS_DESTROY for one direction. */
  destroy(ft: FlowTable, flow: number, dir: FlowDir): void;
  /** FLOW_CLS_STATS for one direction: counter deltas since the last query, or null. */
  stats(ft: FlowTable, flow: number, dir: FlowDir): FlowStats | null;
}

/** Settings of the work queues: how long a work item waits, and how fast adds complete. */
export interface OffloadQueueSettings {
  /** Latency from queueing to execution (µs). */
  latencyUs: number;
  /** Hardware insertions per second a driver sustains; 0 = unlimited. */
  insertRate: number;
  /** Proposal (not in the kernel): at most this many pending add requests; 0 = unlimited. */
  maxPendingAdds: number;
}

/**
 * Proposal hook (not in the kernel): may defer an add request. An object, not a closure, so a
 * fork of the engine (fork.ts) can copy it.
 */
export interface OffloadAdmission {
  /** Why the add is deferred, or null to queue it. */
  admit(ft: FlowTable, flow: number): string | null;
}

export class OffloadQueue implements TimerOwner {
  private readonly work = new WorkRing();
  private armed = false;
  private busyUntil = 0;
  readonly settings: OffloadQueueSettings = { latencyUs: 0, insertRate: 0, maxPendingAdds: 0 };
  /** Installed by a host offload policy (proposal); null = the kernel's behaviour. */
  admission: OffloadAdmission | null = null;
  private pendingAdds = 0;

  constructor(
    private readonly env: Env,
    private readonly conntrack: Conntrack,
    /** The live flowtable of a zone (work items name their table by zone). */
    private readonly tableOf: (zone: number) => FlowTable | undefined,
  ) {}

  get pending(): number {
    return this.work.size;
  }

  /** Queued work items of one operation (adds, deletes, stats requests). */
  pendingOf(op: Op): number {
    return this.work.countOf(op);
  }

  /** nf_flow_offload_add: queue FLOW_CLS_REPLACE (dropped while earlier work is pending). */
  add(ft: FlowTable, flow: number): void {
    this.enqueue(ft, flow, 'add');
  }

  /** nf_flow_offload_del: queue FLOW_CLS_DESTROY and mark the flow HW_DYING. */
  del(ft: FlowTable, flow: number): void {
    if (this.enqueue(ft, flow, 'del')) ft.setFlags(flow, NF_FLOW_HW_DYING);
  }

  /**
   * The flow is freed with work still queued: that work will not run. (The kernel's work holds
   * the flow until it ran; here only a destroyed connection frees its flow at once.)
   */
  forget(ft: FlowTable, flow: number): void {
    this.work.cancel(ft.zone, flow);
  }

  /** nf_flow_offload_stats: only when 10% of the flow timeout has elapsed since its last refresh. */
  stats(ft: FlowTable, flow: number): void {
    if (ft.timeout(flow) - this.env.now() >= (9 * ft.offloadTimeout(flow)) / 10) return;
    this.enqueue(ft, flow, 'stats');
  }

  private enqueue(ft: FlowTable, flow: number, op: Op): boolean {
    if (ft.flags(flow) & NF_FLOW_HW_PENDING) {
      this.emitQueue(ft, flow, op, 'dropped', 'work for this flow is still pending (NF_FLOW_HW_PENDING)');
      return false;
    }
    if (op === 'add') {
      const deferred = this.admission?.admit(ft, flow) ?? null;
      if (deferred !== null) {
        this.emitQueue(ft, flow, op, 'deferred', deferred);
        return false;
      }
      const limit = this.settings.maxPendingAdds;
      if (limit > 0 && this.pendingAdds >= limit) {
        this.emitQueue(ft, flow, op, 'dropped', `offload queue limit ${limit} reached`);
        return false;
      }
      this.pendingAdds++;
    }
    ft.setFlags(flow, NF_FLOW_HW_PENDING);
    this.emitQueue(ft, flow, op, 'queued');
    const now = this.env.now();
    let at = now + this.settings.latencyUs;
    if (op === 'add' && this.settings.insertRate > 0 && ft.callbacks.length > 0) {
      at = Math.max(at, this.busyUntil) + 1_000_000 / this.settings.insertRate;
      this.busyUntil = at;
    }
    this.work.push(ft.zone, flow, op, at);
    this.arm();
    return true;
  }

  private arm(): void {
    if (this.armed || this.work.size === 0) return;
    this.armed = true;
    this.env.clock.schedule(this.work.headAt(), 'flowtable offload work', this);
  }

  /** The work timer fired. */
  onTimer(): void {
    this.armed = false;
    this.runDue();
  }

  private runDue(): void {
    const now = this.env.now();
    const w = this.work;
    while (w.size > 0 && w.headAt() <= now) {
      const zone = w.headZone();
      const flow = w.headFlow();
      const op = w.headOp();
      w.shift();
      if (op === 'add') this.pendingAdds--;
      // Zone -1: the flow was freed while the work waited (see forget).
      const ft = zone >= 0 ? this.tableOf(zone) : undefined;
      if (ft) this.run(ft, flow, op);
    }
    this.arm();
  }

  private emitQueue(ft: FlowTable, flow: number, op: Op, result: 'queued' | 'dropped' | 'deferred', reason?: string): void {
    if (!this.env.events.active) return;
    const ctId = this.conntrack.ctId(ft.ct(flow));
    this.env.events.emit({ kind: 'hw.queue', t: this.env.now(), pkt: this.env.pkt, zone: ft.zone, ctId, op, result, ...(reason ? { reason } : {}) });
  }

  private run(ft: FlowTable, flow: number, op: Op): void {
    ft.clearFlags(flow, NF_FLOW_HW_PENDING);
    const bidir = (ft.flags(flow) & NF_FLOW_HW_BIDIRECTIONAL) !== 0;
    const ct = ft.ct(flow);
    switch (op) {
      case 'add': {
        // flow_offload_work_add: skip flows being torn down; IPS_HW_OFFLOAD once a driver took it.
        if (ft.flags(flow) & NF_FLOW_TEARDOWN) return;
        let ok = 0;
        for (const cb of ft.callbacks) {
          if (cb.replace(ft, flow, 0)) ok++;
          if (bidir && cb.replace(ft, flow, 1)) ok++;
        }
        if (ok > 0) this.conntrack.setStatus(ct, IPS_HW_OFFLOAD);
        return;
      }
      case 'del':
        // flow_offload_work_del
        this.conntrack.clearStatus(ct, IPS_HW_OFFLOAD);
        for (const cb of ft.callbacks) {
          cb.destroy(ft, flow, 0);
          if (bidir) cb.destroy(ft, flow, 1);
        }
        ft.setFlags(flow, NF_FLOW_HW_DEAD);
        return;
      case 'stats': {
        // flow_offload_work_stats: timeout = max(timeout, lastused + flow timeout); accounting.
        let lastUsed = 0;
        const dirs = bidir ? 2 : 1;
        // Index loops: this runs for every hardware flow about every 3 s, and an array literal
        // per call would allocate.
        for (let i = 0; i < ft.callbacks.length; i++) {
          const cb = ft.callbacks[i];
          for (let dir: FlowDir = 0; dir < dirs; dir = (dir + 1) as FlowDir) {
            const s = cb.stats(ft, flow, dir);
            if (!s) continue;
            lastUsed = Math.max(lastUsed, s.lastUsed);
            if (s.packets > 0) this.conntrack.acct(ct, dir, s.packets, s.bytes);
          }
        }
        ft.setTimeout(flow, Math.max(ft.timeout(flow), lastUsed + ft.offloadTimeout(flow)));
        return;
      }
    }
  }
}
