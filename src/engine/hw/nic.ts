/**
 * The switchdev NIC, mlx5-like: the driver side of tc offload (filters offered one at a time as
 * they are added, each accepted or refused), `ethtool -K DEV hw-tc-offload`, the driver's
 * flowtable callback registered per zone while offloaded rules use that zone's ct, the global
 * CT table, and the hardware datapath the Datapath runs before software.
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { Endpoints } from '../endpoints';
import type { Env } from '../env';
import type { FlowTable } from '../flowtable/flowtable';
import type { Flowtables } from '../flowtable/flowtables';
import type { Devices } from '../model/devices';
import type { HwOffloadResult } from '../tc/host';
import type { Filter } from '../tc/objects';
import { HwCtTable } from './ct_table';
import { FlowDriver } from './flow_driver';
import { HwPipeline, type HwSink } from './pipeline';
import { TC_OFFLOAD_DISABLED, UPLINK, translateFilter, type HwRule } from './rule';
import { HwTables } from './tables';
import { defaultNicSettings, DEFAULT_INSERT_RATE, type NicSettings } from './settings';

/** What `ethtool -K` prints when the driver refuses the change (it logs the reason to dmesg). */
export const FEATURE_REFUSED = 'Could not change any device features';
/** mlx5e set_feature_tc_num_filters' dmesg line. */
export const ACTIVE_FILTERS = "Active offloaded tc filters, can't turn hw_tc_offload off";

export interface NicDeps {
  env: Env;
  devices: Devices;
  conntrack: Conntrack;
  flowtables: Flowtables;
  endpoints: Endpoints;
  sink: HwSink;
}

export class Nic {
  readonly settings: NicSettings = defaultNicSettings();
  readonly table: HwCtTable;
  readonly driver: FlowDriver;
  private pipelineInstance: HwPipeline | null = null;
  private readonly rules = new Map<Filter, HwRule>();
  /** Hardware tables: per tc device, per chain, the rules in prio order (then insertion order). */
  private readonly tables = new HwTables();
  /** Offloaded rules per eswitch port (a tunnel device's count on the uplink). */
  private readonly rulesPerPort = new Map<string, number>();
  /** Offloaded rules using each zone's ct, and the flowtables the driver registered on. */
  private readonly zoneUsers = new Map<number, number>();
  private readonly registered = new Map<number, FlowTable>();
  filtersRefused = 0;

  constructor(private readonly deps: NicDeps) {
    this.table = new HwCtTable(deps.conntrack, this.settings.capacity);
    this.driver = new FlowDriver(deps.env, deps.conntrack, this.table, this.settings);
    deps.flowtables.queue.settings.insertRate = DEFAULT_INSERT_RATE;
  }

  get pipeline(): HwPipeline {
    this.pipelineInstance ??= new HwPipeline(
      this.deps.env,
      this.deps.devices,
      this.deps.conntrack,
      this.table,
      this.tables,
      this.deps.endpoints,
      this.deps.sink,
    );
    return this.pipelineInstance;
  }

  /** Offloaded tc rules. */
  get ruleCount(): number {
    return this.rules.size;
  }

  /** Zones whose flowtable the driver is registered on. */
  get registeredZones(): number[] {
    return [...this.registered.keys()].sort((a, b) => a - b);
  }

  /**
   * fl_hw_replace_filter → tc_setup_cb_add → the driver's block callback. Devices outside the
   * NIC have no callback (in_hw_count 0, silently); egress blocks are not bound by the driver;
   * a port with hw-tc-offload off refuses (tc_can_offload_extack).
   */
  offloadFilter(devName: string, filter: Filter): HwOffloadResult {
    const { devices, env } = this.deps;
    const dev = devices.get(devName);
    if (!dev || filter.hook !== 'ingress') return { inHwCount: 0 };
    const port = dev.kind === 'vxlan' ? devices.get(UPLINK) : dev;
    if (!port?.onNic) return { inHwCount: 0 };
    let result: HwRule | string = TC_OFFLOAD_DISABLED;
    if (port.hwTcOffload) result = translateFilter(filter, dev, devices, env.profile);
    if (typeof result === 'string') {
      this.filtersRefused++;
      this.emitFilter(filter, 'add', false, result);
      return { inHwCount: 0, error: result };
    }
    this.rules.set(filter, result);
    this.tables.add(dev, result);
    bump(this.rulesPerPort, result.port, 1);
    for (const zone of result.zones) this.useZone(zone);
    this.emitFilter(filter, 'add', true);
    return { inHwCount: 1 };
  }

  /** fl_hw_destroy_filter. */
  onFilterRemoved(devName: string, filter: Filter): void {
    const rule = this.rules.get(filter);
    if (!rule) return;
    this.rules.delete(filter);
    this.tables.remove(devName, rule);
    bump(this.rulesPerPort, rule.port, -1);
    for (const zone of rule.zones) this.unuseZone(zone);
    this.emitFilter(filter, 'del', true);
  }

  /**
   * `ethtool -K DEV hw-tc-offload on|off` (mlx5e set_feature_tc_num_filters): turning it off is
   * refused while the port has offloaded filters. Returns the message ethtool prints, or null.
   * Turning it on replays nothing: filters added while it was off stay not_in_hw.
   */
  setHwTcOffload(devName: string, on: boolean): string | null {
    const { devices, env } = this.deps;
    const dev = devices.get(devName)!;
    const refused = !on && dev.onNic && (this.rulesPerPort.get(devName) ?? 0) > 0;
    if (!refused) dev.hwTcOffload = on;
    if (env.events.active) {
      env.events.emit({ kind: 'hw.feature', t: env.now(), pkt: 0, dev: devName, on, accepted: !refused, ...(refused ? { message: `mlx5_core: ${devName}: ${ACTIVE_FILTERS}` } : {}) });
    }
    return refused ? FEATURE_REFUSED : null;
  }

  setCapacity(n: number): void {
    this.settings.capacity = n;
    this.table.capacity = n;
  }

  /**
   * The conntrack entry is being freed: its hardware rules cannot outlive it (the flowtable
   * frees such a flow at once, without the FLOW_CLS_DESTROY work).
   */
  forgetCt(ct: number): void {
    const p = this.table.pairOf(ct);
    if (p >= 0) this.table.removePair(p);
  }

  /** mlx5_tc_ct_add_ft_cb: the first offloaded rule with `ct zone Z` registers on Z's flowtable. */
  private useZone(zone: number): void {
    const n = (this.zoneUsers.get(zone) ?? 0) + 1;
    this.zoneUsers.set(zone, n);
    if (n > 1) return;
    const ft = this.deps.flowtables.get(zone);
    if (!ft) return;
    // nf_flow_table_offload_add_cb takes a reference on the table (flowtable_ct.get).
    ft.refs++;
    ft.callbacks.push(this.driver);
    this.registered.set(zone, ft);
    this.emitCb(zone, 'register');
  }

  /** mlx5_tc_ct_del_ft_cb: the last one unregisters and flushes the zone's hardware entries. */
  private unuseZone(zone: number): void {
    const n = (this.zoneUsers.get(zone) ?? 0) - 1;
    if (n > 0) {
      this.zoneUsers.set(zone, n);
      return;
    }
    this.zoneUsers.delete(zone);
    const ft = this.registered.get(zone);
    if (!ft) return;
    this.registered.delete(zone);
    ft.callbacks.splice(ft.callbacks.indexOf(this.driver), 1);
    const c = this.deps.conntrack;
    const doomed: number[] = [];
    this.table.forEachPair((p) => {
      if (c.zone(this.table.ct(p)) === zone) doomed.push(p);
    });
    for (const p of doomed) this.table.removePair(p);
    this.emitCb(zone, 'unregister');
    this.deps.flowtables.release(ft);
  }

  private emitFilter(f: Filter, op: 'add' | 'del', accepted: boolean, reason?: string): void {
    const { env } = this.deps;
    if (!env.events.active) return;
    env.events.emit({ kind: 'hw.filter', t: env.now(), pkt: 0, dev: f.dev, chain: f.chain, prio: f.prio, handle: f.handle, op, accepted, ...(reason ? { reason } : {}) });
  }

  private emitCb(zone: number, op: 'register' | 'unregister'): void {
    const { env } = this.deps;
    if (env.events.active) env.events.emit({ kind: 'hw.ft_cb', t: env.now(), pkt: env.pkt, zone, op });
  }
}

function bump(m: Map<string, number>, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}
