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
import { IPPROTO_TCP } from '../engine/model/packet';
import { renderConntrackEntry } from '../engine/render/conntrack';
import { renderOneFilter } from '../engine/render/tc';
import type { Hook } from '../engine/script/ast';
import type { Simulator } from '../engine/simulator';
import { labelHex } from '../engine/tc/actions/ct';
import type { ConntrackFilterSpec, ConntrackRow, ConntrackSort, DeviceFilters, DeviceView, FilterRowView, FlowtableView } from './protocol';
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

export function conntrackRow(ct: Conntrack, slot: number): ConntrackRow {
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
    flags: flagsOf(status),
    mark: ct.mark(slot),
    label: label.some((w) => w !== 0) ? labelHex(label) : '',
    packets: acct ? [ct.packets(slot, DIR_ORIGINAL), ct.packets(slot, DIR_REPLY)] : null,
    bytes: acct ? [ct.bytes(slot, DIR_ORIGINAL), ct.bytes(slot, DIR_REPLY)] : null,
    expiresAt: status & IPS_OFFLOAD ? null : ct.timeoutAt(slot),
    text: renderConntrackEntry(ct, slot),
  };
}

function matchesFilter(ct: Conntrack, slot: number, f: ConntrackFilterSpec): boolean {
  if (f.zone !== undefined && ct.zone(slot) !== f.zone) return false;
  if (f.proto !== undefined && protoName(ct.proto(slot)) !== f.proto) return false;
  if (f.state !== undefined && (ct.proto(slot) !== IPPROTO_TCP || TCP_STATE_NAMES[ct.tcpState(slot)] !== f.state)) return false;
  if (f.flag !== undefined && !flagsOf(ct.status(slot)).includes(f.flag)) return false;
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

/** The conntrack table's entries in the asked order, cached per cursor step, sort and filter. */
export class ConntrackView {
  private cacheKey = '';
  private slots: Int32Array = new Int32Array(0);

  window(sim: Simulator, step: number, offset: number, limit: number, sort?: ConntrackSort, filter?: ConntrackFilterSpec): { total: number; rows: ConntrackRow[] } {
    const ct = sim.conntrack;
    const key = JSON.stringify([step, ct.count(), sort, filter]);
    if (key !== this.cacheKey) {
      this.slots = ordered(ct, sort, filter);
      this.cacheKey = key;
    }
    const end = Math.min(this.slots.length, offset + Math.min(limit, MAX_WINDOW));
    const rows: ConntrackRow[] = [];
    for (let i = Math.max(0, offset); i < end; i++) rows.push(conntrackRow(ct, this.slots[i]));
    return { total: this.slots.length, rows };
  }

  invalidate(): void {
    this.cacheKey = '';
  }
}

function ordered(ct: Conntrack, sort: ConntrackSort | undefined, filter: ConntrackFilterSpec | undefined): Int32Array {
  const picked: number[] = [];
  ct.forEach((slot) => {
    if (!filter || matchesFilter(ct, slot, filter)) picked.push(slot);
  });
  if (sort && sort.key !== 'age') {
    const keys = new Map<number, number | string>();
    for (const s of picked) keys.set(s, sortKey(ct, s, sort.key));
    const sign = sort.dir === 'asc' ? 1 : -1;
    picked.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      return (ka < kb ? -1 : ka > kb ? 1 : ct.ctId(a) - ct.ctId(b)) * sign;
    });
  } else if (sort?.dir === 'desc') {
    picked.reverse();
  }
  return Int32Array.from(picked);
}

const HOOKS: readonly Hook[] = ['ingress', 'egress'];

/** Every device's filters with their counters, chain by chain in prio order. */
export function filtersView(sim: Simulator): DeviceFilters[] {
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
            });
          }
        }
      }
      out.push({ dev: dev.name, hook, chains: block.chains.map((c) => c.index), filters });
    }
  }
  return out;
}

export function flowtablesView(sim: Simulator): FlowtableView[] {
  return sim.flowtables
    .all()
    .map((ft) => ({ zone: ft.zone, flows: ft.size }))
    .sort((a, b) => a.zone - b.zone);
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
