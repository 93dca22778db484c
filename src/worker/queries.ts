/**
 * Windowed reads of the simulator's state at the cursor, for the page's tables. Sorting and
 * filtering happen here, in the worker, so the page only ever holds the rows it shows; a
 * sorted view is cached until the cursor, the sort or the filter changes.
 */
import type { Conntrack } from '../engine/conntrack/conntrack';
import { protoName, tupleView } from '../engine/conntrack/tuple';
import {
  DIR_ORIGINAL,
  DIR_REPLY,
  IPS_ASSURED,
  IPS_HW_OFFLOAD,
  IPS_OFFLOAD,
  IPS_SEEN_REPLY,
  TCP_STATE_NAMES,
  type Dir,
} from '../engine/conntrack/types';
import { NF_FLOW_HW, NF_FLOW_HW_BIDIRECTIONAL, NF_FLOW_HW_DEAD, NF_FLOW_HW_DYING, NF_FLOW_HW_PENDING, NF_FLOW_TEARDOWN } from '../engine/flowtable/flags';
import { throughput } from '../engine/hw/throughput';
import { IPPROTO_TCP } from '../engine/model/packet';
import { renderConntrackEntry } from '../engine/render/conntrack';
import { renderOneFilter } from '../engine/render/tc';
import type { Hook } from '../engine/script/ast';
import type { Simulator } from '../engine/simulator';
import { labelHex } from '../engine/tc/actions/ct';
import type {
  ConntrackFilterSpec,
  ConntrackRow,
  ConntrackSort,
  DeviceFilters,
  DeviceView,
  FilterRowView,
  FlowHwState,
  FlowtableView,
  HwChainView,
  NicView,
  ThroughputView,
} from './protocol';
import type { TupleView } from '../engine/events';

export const MAX_WINDOW = 1000;

export function flagsOf(status: number): string[] {
  const flags: string[] = [];
  if (!(status & IPS_SEEN_REPLY)) flags.push('UNREPLIED');
  if (status & IPS_ASSURED) flags.push('ASSURED');
  if (status & IPS_OFFLOAD) flags.push('OFFLOAD');
  if (status & IPS_HW_OFFLOAD) flags.push('HW_OFFLOAD');
  return flags;
}

function tupleCells(ct: Conntrack, slot: number, dir: Dir): TupleView {
  const t = ct.tuple(slot, dir);
  return tupleView(t.family, t.proto, t.src, t.dst, t.sport, t.dport);
}

/** A flow's hardware state from its nf_flow_flags (the most telling bit wins). */
export function flowHwState(flags: number): FlowHwState {
  if (flags & NF_FLOW_TEARDOWN) return 'teardown';
  if (flags & NF_FLOW_HW_DEAD) return 'dead';
  if (flags & NF_FLOW_HW_DYING) return 'dying';
  if (flags & NF_FLOW_HW_PENDING) return 'pending';
  if (flags & NF_FLOW_HW) return 'hw';
  return 'sw';
}

/** The flowtable timeout of an entry's protocol (µs): the hardware aging (`sim hw-aging`). */
function agingUs(sim: Simulator, proto: number): number {
  const hot = sim.env.sysctl.hot;
  return (proto === IPPROTO_TCP ? hot.flowtableTcpTimeout : hot.flowtableUdpTimeout) * 1_000_000;
}

export function conntrackRow(sim: Simulator, slot: number): ConntrackRow {
  const ct = sim.conntrack;
  const records = sim.flowtables.records;
  const hwTable = sim.hw.nic.table;
  const flowZone = records.zone(slot);
  const pair = hwTable.pairOf(slot);
  const status = ct.status(slot);
  const proto = ct.proto(slot);
  const acct = ct.hasAcct(slot);
  const label = ct.label(slot);
  return {
    id: ct.ctId(slot),
    zone: ct.zone(slot),
    proto: protoName(proto),
    state: proto === IPPROTO_TCP ? TCP_STATE_NAMES[ct.tcpState(slot)] : '',
    orig: tupleCells(ct, slot, DIR_ORIGINAL),
    reply: tupleCells(ct, slot, DIR_REPLY),
    flags: flagsOf(ct.dumpedStatus(slot)),
    mark: ct.mark(slot),
    label: label.some((w) => w !== 0) ? labelHex(label) : '',
    packets: acct ? [ct.packets(slot, DIR_ORIGINAL), ct.packets(slot, DIR_REPLY)] : null,
    bytes: acct ? [ct.bytes(slot, DIR_ORIGINAL), ct.bytes(slot, DIR_REPLY)] : null,
    expiresAt: status & IPS_OFFLOAD ? null : ct.timeoutAt(slot),
    flow: flowZone < 0 ? null : { zone: flowZone, timeoutAt: records.timeout(slot), hw: flowHwState(records.flags(slot)) },
    hwLastUsed: pair < 0 ? null : hwTable.lastUsed(pair),
    hwAgingUs: agingUs(sim, proto),
    text: renderConntrackEntry(ct, slot),
  };
}

function matchesFilter(ct: Conntrack, slot: number, f: ConntrackFilterSpec): boolean {
  if (f.id !== undefined && ct.ctId(slot) !== f.id) return false;
  if (f.zone !== undefined && ct.zone(slot) !== f.zone) return false;
  if (f.proto !== undefined && protoName(ct.proto(slot)) !== f.proto) return false;
  if (f.state !== undefined && (ct.proto(slot) !== IPPROTO_TCP || TCP_STATE_NAMES[ct.tcpState(slot)] !== f.state)) return false;
  if (f.flag !== undefined && !flagsOf(ct.dumpedStatus(slot)).includes(f.flag)) return false;
  if (f.text && !renderConntrackEntry(ct, slot).includes(f.text)) return false;
  return true;
}

/** A number or string to order entries by. */
function sortKey(ct: Conntrack, slot: number, key: ConntrackSort['key']): number | string {
  switch (key) {
    case 'age':
      return ct.ctId(slot);
    case 'zone':
      return ct.zone(slot);
    case 'proto':
      return ct.proto(slot);
    case 'state':
      return ct.proto(slot) === IPPROTO_TCP ? TCP_STATE_NAMES[ct.tcpState(slot)] : '';
    case 'src':
      return ct.tuple(slot, DIR_ORIGINAL).src;
    case 'dst':
      return ct.tuple(slot, DIR_ORIGINAL).dst;
    case 'timeout':
      return ct.status(slot) & IPS_OFFLOAD ? Infinity : ct.timeoutAt(slot);
    case 'packets':
      return ct.hasAcct(slot) ? ct.packets(slot, DIR_ORIGINAL) + ct.packets(slot, DIR_REPLY) : 0;
  }
}

/**
 * The conntrack table's entries in the asked order. Every entry oldest first (conntrack's own
 * walk, a sort of the whole table) is computed once per simulator and cursor step and shared:
 * the table's sorted or filtered view is derived from it and cached beside it, and an id
 * lookup — the views that follow the selected connection ask one after every move — is a
 * binary search in it that leaves the table's view alone, so its scroll keeps its order.
 */
export class ConntrackView {
  /** Whole-table orders computed so far (the age walk and derived views), for tests. */
  builds = 0;
  private at: { sim: unknown; step: number; count: number } = { sim: null, step: -1, count: -1 };
  private age: Int32Array = new Int32Array(0);
  private viewKey = '';
  private view: Int32Array = new Int32Array(0);

  window(sim: Simulator, step: number, offset: number, limit: number, sort?: ConntrackSort, filter?: ConntrackFilterSpec): { total: number; rows: ConntrackRow[] } {
    const slots = filter?.id !== undefined ? this.byId(sim, step, filter) : this.ordered(sim, step, sort, filter);
    const end = Math.min(slots.length, offset + Math.min(limit, MAX_WINDOW));
    const rows: ConntrackRow[] = [];
    for (let i = Math.max(0, offset); i < end; i++) rows.push(conntrackRow(sim, slots[i]));
    return { total: slots.length, rows };
  }

  /** Every live entry at this step, oldest first (by ctId). */
  ageOrder(sim: Simulator, step: number): Int32Array {
    const ct = sim.conntrack;
    if (sim !== this.at.sim || step !== this.at.step || ct.count() !== this.at.count) {
      const picked: number[] = [];
      // forEach reaps the expired entries first: the count is read after it.
      ct.forEach((slot) => picked.push(slot));
      this.age = Int32Array.from(picked);
      this.at = { sim, step, count: ct.count() };
      this.viewKey = '';
      this.builds++;
    }
    return this.age;
  }

  /** The entry with the filter's id (if it passes the rest of the filter): none or one slot. */
  private byId(sim: Simulator, step: number, filter: ConntrackFilterSpec): Int32Array {
    const ct = sim.conntrack;
    const age = this.ageOrder(sim, step);
    let lo = 0;
    let hi = age.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = ct.ctId(age[mid]);
      if (id === filter.id) return matchesFilter(ct, age[mid], filter) ? age.subarray(mid, mid + 1) : new Int32Array(0);
      if (id < filter.id!) lo = mid + 1;
      else hi = mid - 1;
    }
    return new Int32Array(0);
  }

  private ordered(sim: Simulator, step: number, sort: ConntrackSort | undefined, filter: ConntrackFilterSpec | undefined): Int32Array {
    const age = this.ageOrder(sim, step);
    const plain = !filter || !Object.values(filter).some((v) => v !== undefined && v !== '');
    if (plain && (!sort || (sort.key === 'age' && sort.dir === 'asc'))) return age;
    const key = JSON.stringify([sort, filter]);
    if (key !== this.viewKey) {
      this.view = derive(sim.conntrack, age, sort, plain ? undefined : filter);
      this.viewKey = key;
      this.builds++;
    }
    return this.view;
  }
}

/** The entries of `age` (oldest first) that pass the filter, in the asked order. */
function derive(ct: Conntrack, age: Int32Array, sort: ConntrackSort | undefined, filter: ConntrackFilterSpec | undefined): Int32Array {
  const picked = filter ? age.filter((slot) => matchesFilter(ct, slot, filter)) : age.slice();
  if (sort && sort.key !== 'age') {
    const keys = new Map<number, number | string>();
    for (const s of picked) keys.set(s, sortKey(ct, s, sort.key));
    const sign = sort.dir === 'asc' ? 1 : -1;
    return picked.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      return (ka < kb ? -1 : ka > kb ? 1 : ct.ctId(a) - ct.ctId(b)) * sign;
    });
  }
  return sort?.dir === 'desc' ? picked.reverse() : picked;
}

const HOOKS: readonly Hook[] = ['ingress', 'egress'];

/** Every device's filters with their counters, chain by chain in prio order, and the lines that added them. */
export function filtersView(sim: Simulator, sources: ReadonlyMap<string, readonly string[]> = new Map()): DeviceFilters[] {
  const out: DeviceFilters[] = [];
  const now = sim.env.now();
  const behaviour = sim.tc.behaviour;
  for (const dev of sim.devices.all()) {
    const q = sim.tc.qdisc(dev.name);
    if (!q) continue;
    for (const hook of HOOKS) {
      if (hook === 'egress' && !q.egress) continue;
      const block = q.blockFor(hook);
      const filters: FilterRowView[] = [];
      for (const chain of block.chains) {
        for (const tp of chain.tps) {
          // Lines of this chain and prio, matched to its filters in handle order when the counts agree.
          const lines = sources.get(`${dev.name}/${hook}/${chain.index}/${tp.prio}`);
          const byHandle = [...tp.filters].sort((a, b) => a.handle - b.handle);
          for (const f of tp.filters) {
            filters.push({
              chain: f.chain,
              prio: f.prio,
              handle: f.handle,
              text: renderOneFilter(block, tp, f, { hook, stats: false, now, behaviour }),
              inHw: f.inHwCount > 0,
              skipHw: f.skipHw,
              skipSw: f.skipSw,
              swPackets: f.swPackets,
              hwPackets: f.hwPackets,
              source: lines && lines.length === tp.filters.length ? lines[byHandle.indexOf(f)] : null,
            });
          }
        }
      }
      out.push({ dev: dev.name, hook, chains: block.chains.map((c) => c.index), filters });
    }
  }
  return out;
}

/**
 * Every zone's flowtable with its first `limit` flows in conntrack's order (oldest first):
 * `age` gives that order (ConntrackView.ageOrder, shared with the table) and is walked only
 * until every zone has its rows.
 */
export function flowtablesView(sim: Simulator, limit: number, age: () => Int32Array): FlowtableView[] {
  const ct = sim.conntrack;
  const records = sim.flowtables.records;
  const views = new Map<number, FlowtableView>();
  for (const ft of sim.flowtables.all()) views.set(ft.zone, { zone: ft.zone, flows: ft.size, rows: [], offloadedBy: ft.callbacks.map((cb) => cb.name) });
  let wanted = 0;
  for (const v of views.values()) wanted += Math.min(limit, v.flows);
  // No rows asked (the pipeline's counts), or no flows: the walk over every connection is not needed.
  if (wanted <= 0) return [...views.values()].sort((a, b) => a.zone - b.zone);
  for (const slot of age()) {
    const view = views.get(records.zone(slot));
    if (!view || view.rows.length >= limit) continue;
    const acct = ct.hasAcct(slot);
    const flags = records.flags(slot);
    view.rows.push({
      ctId: ct.ctId(slot),
      proto: protoName(ct.proto(slot)),
      orig: tupleCells(ct, slot, DIR_ORIGINAL),
      reply: tupleCells(ct, slot, DIR_REPLY),
      bidirectional: (flags & NF_FLOW_HW_BIDIRECTIONAL) !== 0,
      hw: flowHwState(flags),
      timeoutAt: records.timeout(slot),
      packets: acct ? [ct.packets(slot, DIR_ORIGINAL), ct.packets(slot, DIR_REPLY)] : null,
      bytes: acct ? [ct.bytes(slot, DIR_ORIGINAL), ct.bytes(slot, DIR_REPLY)] : null,
    });
    // A flow counted beyond its zone's size would end the walk before another zone is filled.
    if (view.rows.length <= view.flows && --wanted === 0) break;
  }
  return [...views.values()].sort((a, b) => a.zone - b.zone);
}

/** The NIC as fields: ports, per-chain hardware tables, CT table, offload queue, refusals, settings. */
export function nicView(sim: Simulator, devices: readonly DeviceFilters[]): NicView {
  const nic = sim.hw.nic;
  const queue = sim.flowtables.queue;
  const d = nic.driver;
  const p = nic.pipeline;
  const s = nic.settings;
  const hwOffloaded = sim.conntrack.countStatus(IPS_HW_OFFLOAD);
  const chains: HwChainView[] = [];
  for (const dev of devices) {
    for (const chain of dev.chains) {
      const rules = dev.filters.filter((f) => f.chain === chain && f.inHw).map((f) => ({ prio: f.prio, handle: f.handle, text: f.text, hwPackets: f.hwPackets }));
      if (rules.length) chains.push({ dev: dev.dev, chain, rules });
    }
  }
  return {
    profile: sim.env.profile.name,
    ports: sim.devices
      .all()
      .filter((x) => x.onNic)
      .map((x) => ({ name: x.name, hwTcOffload: x.hwTcOffload })),
    chains,
    rulesInHw: nic.ruleCount,
    filtersRefused: nic.filtersRefused,
    zones: nic.registeredZones,
    ct: { connections: nic.table.size, entries: nic.table.entries, capacity: nic.table.capacity, hwOffloaded },
    queue: { adds: queue.pendingOf('add'), dels: queue.pendingOf('del'), stats: queue.pendingOf('stats'), insertRate: queue.settings.insertRate, latencyUs: queue.settings.latencyUs, limit: queue.settings.maxPendingAdds },
    driver: { attempts: d.attempts, refusedFull: d.refusedFull, refusedFault: d.refusedFault, refusedOther: d.refusedOther, evicted: d.evicted },
    settings: {
      faultRate: s.faultRate,
      agingSec: sim.env.sysctl.hot.flowtableTcpTimeout,
      policy: { ...s.policy },
      evictIdleSec: s.evictIdle ? s.evictIdleUs / 1_000_000 : null,
      ovs: sim.hw.ovs.enabled,
    },
    packets: { hardware: p.hwPackets, software: p.swPackets, chainMisses: p.chainMisses, ctMisses: p.ctMisses },
  };
}

/** The throughput model (src/engine/hw/throughput.ts) for the traffic so far. */
export function throughputView(sim: Simulator): ThroughputView {
  const settings = sim.hw.throughput;
  const p = sim.hw.nic.pipeline;
  const mix = throughput(settings, p.hwPackets, p.swPackets);
  return {
    connections: sim.conntrack.count(),
    hwPackets: p.hwPackets,
    swPackets: p.swPackets,
    lineRatePps: mix.lineRatePps,
    swCapacityPps: mix.swCapacityPps,
    allSoftwarePps: throughput(settings, 0, 1).modelledPps,
    allHardwarePps: throughput(settings, 1, 0).modelledPps,
    mixPps: mix.modelledPps,
    swShare: mix.swShare,
    cpuLoad: mix.cpuLoad,
    settings: { ...settings },
  };
}

export function devicesView(sim: Simulator): DeviceView[] {
  return sim.devices.all().map((d) => ({ name: d.name, kind: d.kind, hwTcOffload: d.hwTcOffload, onNic: d.onNic }));
}

export function sysctlsView(sim: Simulator): [string, string][] {
  return sim.env.sysctl
    .entries()
    .map(([k, v]): [string, string] => [k, String(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
