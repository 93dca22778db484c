/**
 * The driver's flow_block callback on a zone's flowtable (mlx5_tc_ct_block_flow_offload):
 * FLOW_CLS_REPLACE writes one direction of a connection into the CT (or CT-NAT) table,
 * FLOW_CLS_DESTROY removes it, FLOW_CLS_STATS reports counter deltas and the last use.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { IPS_NAT_MASK, IPS_SEEN_REPLY } from '../conntrack/conntrack';
import type { Env } from '../env';
import type { FlowTable } from '../flowtable/flowtable';
import type { FlowDir, FlowOffloadCallback, FlowStats } from '../flowtable/offload';
import { IPPROTO_TCP, IPPROTO_UDP } from '../model/packet';
import { CT_FLAG_ESTABLISHED, CT_FLAG_NEW, CT_FLAG_REPLY, CT_FLAG_TRACKED } from '../script/ast';
import { E_NAT, type HwCtTable } from './ct_table';
import type { NicSettings } from './settings';

export class FlowDriver implements FlowOffloadCallback {
  readonly name = 'mlx5_tc_ct_block_flow_offload';
  /** Refusals by reason, for `sim show nic`. */
  refusedFull = 0;
  refusedFault = 0;
  refusedOther = 0;
  evicted = 0;
  /** FLOW_CLS_REPLACE requests, accepted or not (a refused connection's retries count again). */
  attempts = 0;
  private readonly scratch: FlowStats = { packets: 0, bytes: 0, lastUsed: 0 };

  constructor(
    private readonly env: Env,
    private readonly conntrack: Conntrack,
    private readonly table: HwCtTable,
    private readonly settings: NicSettings,
  ) {}

  replace(ft: FlowTable, flow: number, dir: FlowDir): boolean {
    this.attempts++;
    const ct = ft.ct(flow);
    const c = this.conntrack;
    const status = c.status(ct);
    const proto = c.proto(ct);
    // mlx5e_tc_ct_is_valid_flow_rule: IPv4/IPv6 TCP/UDP with full ports only.
    if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return this.refuse(ft, ct, dir, 'only TCP and UDP connections are offloaded', 'other');
    const isNew = dir === 0 && !(status & IPS_SEEN_REPLY);
    // Drivers before v6.3 had no NEW bit in their ct_state register.
    if (isNew && !this.env.profile.udpOffloadBeforeReply) return this.refuse(ft, ct, dir, 'ctinfo NEW cannot be offloaded by this driver', 'other');
    // mlx5_tc_ct_entry_create_mod_hdr before v5.9: the labels register holds ct_labels[0] only,
    // so an entry using the upper 96 bits is refused ("due to unsupported label") and the
    // connection stays in software.
    if (this.env.profile.hwLabels32) {
      const l = c.label(ct);
      if (l[1] | l[2] | l[3]) return this.refuse(ft, ct, dir, 'Failed to offload ct entry due to unsupported label', 'other');
    }
    if (this.settings.faultRate > 0 && this.env.rng.float() < this.settings.faultRate) return this.refuse(ft, ct, dir, 'injected driver error', 'fault');
    const t = this.table;
    let p = t.acquire(ct, c.mark(ct), (status & IPS_NAT_MASK) !== 0, !c.hasAcct(ct));
    if (p < 0 && this.settings.evictIdle && this.evictIdlest()) p = t.acquire(ct, c.mark(ct), (status & IPS_NAT_MASK) !== 0, !c.hasAcct(ct));
    if (p < 0) return this.refuse(ft, ct, dir, `CT table full (${t.capacity} connections)`, 'full');
    if (t.lastUsed(p) === 0) t.setLastUsed(p, this.env.now());
    const node = 2 * p + dir;
    const existed = t.state(node) !== 0;
    // mlx5_tc_ct_entry_create_mod_hdr: TRK, EST (or NEW), REPLY for the reply direction.
    const state = CT_FLAG_TRACKED | (isNew ? CT_FLAG_NEW : CT_FLAG_ESTABLISHED) | (dir === 1 ? CT_FLAG_REPLY : 0);
    t.setMark(p, c.mark(ct));
    t.install(p, dir, state);
    this.emitEntry(ft, ct, dir, p, existed ? 'update' : 'add');
    return true;
  }

  destroy(ft: FlowTable, flow: number, dir: FlowDir): void {
    const ct = ft.ct(flow);
    const p = this.installed(ct, dir);
    if (p < 0) return;
    this.emitEntry(ft, ct, dir, p, 'del');
    this.table.remove(p, dir);
  }

  /** mlx5_fc_query_cached: what the counter gained since the previous query, and its last use. */
  stats(ft: FlowTable, flow: number, dir: FlowDir): FlowStats | null {
    const ct = ft.ct(flow);
    const t = this.table;
    const p = this.installed(ct, dir);
    if (p < 0) return null;
    const counter = t.counterOf(2 * p + dir);
    const s = this.scratch;
    s.packets = t.packets(counter);
    s.bytes = t.bytes(counter);
    s.lastUsed = t.lastUsed(p);
    t.clearCounter(counter);
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'hw.stats', t: this.env.now(), pkt: 0, zone: ft.zone, ctId: this.conntrack.ctId(ct), packets: s.packets, bytes: s.bytes, lastUsed: s.lastUsed });
    }
    return s;
  }

  /**
   * The pair holding the connection's rule for `dir`, or -1. Every request comes from the
   * connection's current flow: a freed flow's queued work is cancelled (OffloadQueue.forget),
   * and the connection's next flow has the same name.
   */
  private installed(ct: number, dir: FlowDir): number {
    const p = this.table.pairOf(ct);
    return p >= 0 && this.table.state(2 * p + dir) !== 0 ? p : -1;
  }

  /**
   * Proposal (host-managed capacity): the connection idle longest (at least evictIdleUs) gives
   * its hardware rules up; it keeps running in software and may come back later.
   */
  private evictIdlest(): boolean {
    const p = this.table.idlest(this.env.now() - this.settings.evictIdleUs);
    if (p < 0) return false;
    const ct = this.table.ct(p);
    if (this.env.events.active) {
      for (const dir of [0, 1] as const) {
        if (this.table.state(2 * p + dir) === 0) continue;
        this.env.events.emit({ kind: 'hw.ct_entry', t: this.env.now(), pkt: this.env.pkt, zone: this.conntrack.zone(ct), ctId: this.conntrack.ctId(ct), dir, table: this.tableName(p), op: 'evicted', reason: 'idlest connection evicted to make room (proposal)' });
      }
    }
    this.table.removePair(p);
    this.evicted++;
    return true;
  }

  private refuse(ft: FlowTable, ct: number, dir: FlowDir, reason: string, kind: 'full' | 'fault' | 'other'): false {
    if (kind === 'full') this.refusedFull++;
    else if (kind === 'fault') this.refusedFault++;
    else this.refusedOther++;
    if (this.env.events.active) {
      const table = this.conntrack.status(ct) & IPS_NAT_MASK ? 'ct_nat' : 'ct';
      this.env.events.emit({ kind: 'hw.ct_entry', t: this.env.now(), pkt: this.env.pkt, zone: ft.zone, ctId: this.conntrack.ctId(ct), dir, table, op: 'refused', reason });
    }
    return false;
  }

  private tableName(p: number): 'ct' | 'ct_nat' {
    return this.table.flags(p) & E_NAT ? 'ct_nat' : 'ct';
  }

  private emitEntry(ft: FlowTable, ct: number, dir: FlowDir, p: number, op: 'add' | 'update' | 'del'): void {
    if (!this.env.events.active) return;
    this.env.events.emit({ kind: 'hw.ct_entry', t: this.env.now(), pkt: this.env.pkt, zone: ft.zone, ctId: this.conntrack.ctId(ct), dir, table: this.tableName(p), op });
  }
}
