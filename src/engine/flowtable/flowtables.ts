/**
 * act_ct's per-zone flowtables (tcf_ct_flow_table_get/put in net/sched/act_ct.c): the first ct
 * action in a zone creates the zone's nf_flowtable, later ones share it by reference, and the
 * last reference frees it (tearing every flow down). Each table runs its GC every second.
 */
import type { TimerHandle, TimerOwner } from '../clock';
import type { Conntrack } from '../conntrack/conntrack';
import type { Env } from '../env';
import { FlowTable } from './flowtable';
import { OffloadQueue } from './offload';
import { FlowRecords } from './records';

const GC_INTERVAL_US = 1_000_000;

export class Flowtables implements TimerOwner {
  private byZone = new Map<number, FlowTable>();
  /** The live tables, in creation order (read per burst by the cache warm-up: no array per call). */
  readonly live: FlowTable[] = [];
  private gcTimers = new Map<FlowTable, TimerHandle>();
  readonly queue: OffloadQueue;
  /** Every table's flows, in their conntrack entries' records (records.ts). */
  readonly records: FlowRecords;

  constructor(
    private readonly env: Env,
    private readonly conntrack: Conntrack,
  ) {
    this.queue = new OffloadQueue(env, conntrack, (zone) => this.byZone.get(zone));
    this.records = new FlowRecords(conntrack.store);
  }

  get(zone: number): FlowTable | undefined {
    return this.byZone.get(zone);
  }

  all(): FlowTable[] {
    return [...this.live];
  }

  /** tcf_ct_flow_table_get: reuse the zone's table or create it (nf_flow_table_init starts the GC). */
  acquire(zone: number): FlowTable {
    const existing = this.byZone.get(zone);
    if (existing) {
      existing.refs++;
      return existing;
    }
    const ft = new FlowTable(zone, this.env, this.conntrack, this.queue, this.records);
    this.byZone.set(zone, ft);
    this.live.push(ft);
    this.scheduleGc(ft);
    if (this.env.events.active) this.env.events.emit({ kind: 'ft.table', t: this.env.now(), pkt: 0, zone, op: 'create' });
    return ft;
  }

  /** tcf_ct_flow_table_put: the last reference frees the table (nf_flow_table_free tears down all flows). */
  release(ft: FlowTable): void {
    if (--ft.refs > 0) return;
    this.byZone.delete(ft.zone);
    this.live.splice(this.live.indexOf(ft), 1);
    this.env.clock.cancel(this.gcTimers.get(ft));
    this.gcTimers.delete(ft);
    ft.forEach((flow) => ft.teardown(flow, 'table-freed'));
    ft.forEach((flow) => ft.del(flow));
    if (this.env.events.active) this.env.events.emit({ kind: 'ft.table', t: this.env.now(), pkt: 0, zone: ft.zone, op: 'destroy' });
  }

  /**
   * The conntrack entry is being destroyed (flush, kill): its flow cannot outlive it here, so it
   * is torn down and freed at once (the kernel keeps the entry referenced until the GC frees the flow).
   */
  forgetCt(ct: number, zone: number): void {
    const ft = this.byZone.get(zone);
    if (!ft) return;
    const flow = ft.flowOfCt(ct);
    if (flow < 0) return;
    ft.teardown(flow, 'ct-dying');
    ft.del(flow);
  }

  private scheduleGc(ft: FlowTable): void {
    this.gcTimers.set(ft, this.env.clock.after(GC_INTERVAL_US, `nf_flowtable gc (zone ${ft.zone})`, this, ft.zone));
  }

  /**
   * A zone's GC timer fired (its argument is the zone: release() cancels a freed table's
   * timer, so the zone's table is the one that armed it).
   */
  onTimer(zone: number): void {
    const ft = this.byZone.get(zone)!;
    ft.gc();
    if (this.byZone.get(zone) === ft) this.scheduleGc(ft);
  }
}
