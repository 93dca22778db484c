/**
 * The pipeline graph's layout: a pure function of the configuration at the cursor (the
 * worker's `pipeline` answer), never placed by hand per scenario. It follows the talk's
 * picture (§7): NIC hardware in the upper lane, kernel software in the lower one; ports on the
 * left, where packets come from, and what receives them (VMs, the wire, the host stack, OVS) on
 * the right. Columns are the chains in order, with the connection tables between the first
 * chain and the next — where act_ct sends a packet and where the talk draws the CT table.
 *
 * Node ids are a naming convention shared with the animation (paths.ts), which derives the
 * same ids from events: `port:DEV`, `hw:DEV:CHAIN`, `sw:DEV:HOOK:CHAIN`, `hwct`, `ft:ZONE`,
 * `conntrack`, `end:vmN|wire|host|ovs`, and the lanes `lane:hw`, `lane:sw`.
 */
import type { PipelineFilter, PipelineView } from '../../worker/pipeline';

/** In a node pattern (viewport.ts), a part that matches any value. */
export const ANY = '*';
type Part = number | typeof ANY;

export const portId = (dev: string) => `port:${dev}`;
export const hwChainId = (dev: string, chain: Part) => `hw:${dev}:${chain}`;
export const swChainId = (dev: string, hook: string, chain: Part) => `sw:${dev}:${hook}:${chain}`;
export const HWCT_ID = 'hwct';
export const CONNTRACK_ID = 'conntrack';
export const flowtableId = (zone: Part) => `ft:${zone}`;
export const endId = (what: string) => `end:${what}`;
export const rowKey = (prio: number, handle: number) => `${prio}:${handle}`;

/** A chain with more filters than this, or any chain of a configuration past COLLAPSE_TOTAL, is drawn as a summary. */
export const COLLAPSE_CHAIN = 12;
export const COLLAPSE_TOTAL = 60;
/** Busiest filters a collapsed chain still lists. */
export const SUMMARY_ROWS = 3;

// Dense enough that the talk's configuration (two ports, chains 0 and 2 in both lanes) reads at
// the default 1280×720 frame: its filter text stays near 8 px or more on screen.
const PORT_W = 126;
const CHAIN_W = 300;
const TABLE_W = 190;
const END_W = 104;
const GAP_X = 40;
const HEADER_H = 26;
/** Two text lines of a filter row (graph.css .frow keeps this height). */
const ROW_H = 34;
/** One line of a hardware table row (graph.css .hrow). */
const HW_ROW_H = 22;
const PAD = 10;
const LANE_GAP = 20;
/** Room above a lane's first node for its title (graph.css .lane). */
const LANE_PAD = 24;
const BAND_GAP = 10;

export type Lane = 'hw' | 'sw';

export interface FilterRow {
  key: string;
  filter: PipelineFilter;
}

export type NodeData =
  | { type: 'lane'; lane: Lane; title: string }
  | { type: 'port'; dev: string; kind: string; vm?: string; offload: boolean; onNic: boolean }
  | { type: 'chain'; lane: 'sw'; dev: string; hook: string; chain: number; rows: FilterRow[]; collapsed: { filters: number; inHw: number; sw: number; hw: number } | null }
  | { type: 'hwchain'; lane: 'hw'; dev: string; chain: number; rows: FilterRow[]; more: number }
  | { type: 'hwct'; size: number; capacity: number }
  | { type: 'flowtable'; zone: number; flows: number }
  | { type: 'conntrack'; entries: number; zones: number[] }
  | { type: 'end'; what: string; title: string };

export interface LaidNode {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  data: NodeData;
  /** Row centres (y from the node's top) by rowKey, where dots stop on a filter. */
  rows?: Record<string, number>;
}

export type EdgeKind = 'in' | 'goto' | 'ct' | 'out' | 'miss';

export interface LaidEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
}

export interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

/** Where a redirect to `dev` ends: a representor's VM, the wire for the uplink and tunnels. */
export function endpointOf(view: PipelineView, dev: string): string {
  const d = view.devices.find((x) => x.name === dev);
  if (d?.vm) return d.vm;
  if (!d || d.kind === 'uplink' || d.kind === 'vxlan') return 'wire';
  return 'host';
}

interface Band {
  dev: string;
  hook: string;
  chains: PipelineView['hooks'][number]['chains'];
}

export function layoutPipeline(view: PipelineView): Layout {
  const nodes: LaidNode[] = [];
  const edges: LaidEdge[] = [];
  const edgeIds = new Set<string>();
  const edge = (source: string, target: string, kind: EdgeKind) => {
    const id = `${kind}:${source}->${target}`;
    if (edgeIds.has(id) || source === target) return;
    edgeIds.add(id);
    edges.push({ id, source, target, kind });
  };

  const bands: Band[] = view.hooks.map((h) => ({ dev: h.dev, hook: h.hook, chains: h.chains }));
  const total = bands.reduce((n, b) => n + b.chains.reduce((m, c) => m + c.filters.length, 0), 0);
  const collapseAll = total > COLLAPSE_TOTAL;

  // Columns: chain 0 (or the lowest), the tables, then the other chains in order.
  const chainIdx = [...new Set(bands.flatMap((b) => b.chains.map((c) => c.index)))].sort((a, b) => a - b);
  const firstChain = chainIdx[0] ?? 0;
  const x0 = PORT_W + GAP_X;
  const colX = new Map<number, number>();
  colX.set(firstChain, x0);
  const tablesX = x0 + CHAIN_W + GAP_X;
  chainIdx.slice(1).forEach((c, i) => colX.set(c, tablesX + TABLE_W + GAP_X + i * (CHAIN_W + GAP_X)));
  const lastChainEnd = chainIdx.length > 1 ? (colX.get(chainIdx[chainIdx.length - 1]) ?? 0) + CHAIN_W : tablesX + TABLE_W;
  const endX = lastChainEnd + GAP_X;

  // ---- hardware lane: per ingress band, the chains that hold offloaded rules ----
  const hwTop = LANE_PAD;
  let y = hwTop;
  const hwBandY = new Map<string, number>();
  for (const b of bands) {
    if (b.hook !== 'ingress') continue;
    let bandH = 0;
    for (const c of b.chains) {
      const offloaded = c.filters.filter((f) => f.inHw);
      if (offloaded.length === 0) continue;
      const limit = collapseAll ? SUMMARY_ROWS : COLLAPSE_CHAIN;
      // Cut short, the table keeps the rules the hardware used most, as the software chain does.
      const shown = offloaded.length > limit ? busiest(offloaded, limit, (f) => f.hwPackets) : offloaded;
      const rows: Record<string, number> = {};
      shown.forEach((f, i) => (rows[rowKey(f.prio, f.handle)] = HEADER_H + i * HW_ROW_H + HW_ROW_H / 2));
      const more = offloaded.length - shown.length;
      const h = HEADER_H + shown.length * HW_ROW_H + (more ? HW_ROW_H : 0) + PAD / 2;
      nodes.push({
        id: hwChainId(b.dev, c.index),
        x: colX.get(c.index)!,
        y,
        w: CHAIN_W,
        h,
        rows,
        data: { type: 'hwchain', lane: 'hw', dev: b.dev, chain: c.index, rows: shown.map((f) => ({ key: rowKey(f.prio, f.handle), filter: f })), more },
      });
      bandH = Math.max(bandH, h);
    }
    if (bandH) {
      hwBandY.set(b.dev, y);
      y += bandH + BAND_GAP;
    }
  }
  const hwct = { id: HWCT_ID, x: tablesX, y: hwTop, w: TABLE_W, h: 64, data: { type: 'hwct', size: view.hwCt.size, capacity: view.hwCt.capacity } as NodeData };
  nodes.push(hwct);
  const hwBottom = Math.max(y - BAND_GAP, hwct.y + hwct.h) + LANE_PAD / 2;

  // ---- software lane: every hook's chains ----
  const swTop = hwBottom + LANE_GAP + LANE_PAD;
  y = swTop;
  const swBandY = new Map<string, number>();
  for (const b of bands) {
    let bandH = 60;
    for (const c of b.chains) {
      const collapsed = collapseAll || c.filters.length > COLLAPSE_CHAIN;
      const shown = collapsed ? busiest(c.filters, SUMMARY_ROWS, (f) => f.swPackets + f.hwPackets) : c.filters;
      const rows: Record<string, number> = {};
      const top = HEADER_H + (collapsed ? HW_ROW_H : 0);
      shown.forEach((f, i) => (rows[rowKey(f.prio, f.handle)] = top + i * ROW_H + ROW_H / 2));
      const h = top + Math.max(1, shown.length) * ROW_H + PAD / 2;
      nodes.push({
        id: swChainId(b.dev, b.hook, c.index),
        x: colX.get(c.index)!,
        y,
        w: CHAIN_W,
        h,
        rows,
        data: {
          type: 'chain',
          lane: 'sw',
          dev: b.dev,
          hook: b.hook,
          chain: c.index,
          rows: shown.map((f) => ({ key: rowKey(f.prio, f.handle), filter: f })),
          collapsed: collapsed
            ? {
                filters: c.filters.length,
                inHw: c.filters.filter((f) => f.inHw).length,
                sw: c.filters.reduce((n, f) => n + f.swPackets, 0),
                hw: c.filters.reduce((n, f) => n + f.hwPackets, 0),
              }
            : null,
        },
      });
      bandH = Math.max(bandH, h);
    }
    swBandY.set(`${b.dev}:${b.hook}`, y);
    y += bandH + BAND_GAP;
  }
  // The tables column of the software lane: one flowtable per zone, then conntrack.
  let ty = swTop;
  for (const ft of view.flowtables) {
    nodes.push({ id: flowtableId(ft.zone), x: tablesX, y: ty, w: TABLE_W, h: 52, data: { type: 'flowtable', zone: ft.zone, flows: ft.flows } });
    ty += 52 + 16;
  }
  nodes.push({ id: CONNTRACK_ID, x: tablesX, y: ty, w: TABLE_W, h: 64, data: { type: 'conntrack', entries: view.conntrack, zones: view.zones } });
  ty += 64;
  const swBottom = Math.max(y - BAND_GAP, ty) + LANE_PAD / 2;

  // ---- ports (left) and where packets end (right) ----
  const shownPorts = portsShown(view);
  const portH = 56;
  shownPorts.forEach((d, i) => {
    const band = swBandY.get(`${d.name}:ingress`);
    const hwY = hwBandY.get(d.name);
    const py = band !== undefined && hwY !== undefined ? (band + hwY) / 2 : (band ?? hwY ?? swTop + i * (portH + BAND_GAP));
    nodes.push({ id: portId(d.name), x: 0, y: py, w: PORT_W, h: portH, data: { type: 'port', dev: d.name, kind: d.kind, ...(d.vm ? { vm: d.vm } : {}), offload: d.hwTcOffload, onNic: d.onNic } });
  });
  spreadVertically(nodes.filter((n) => n.data.type === 'port'), portH + 12);

  const ends = endsShown(view);
  const endH = 44;
  const span = swBottom - hwTop;
  ends.forEach((what, i) => {
    const title = what === 'wire' ? 'wire' : what === 'host' ? 'host stack' : what === 'ovs' ? 'Open vSwitch' : what;
    nodes.push({ id: endId(what), x: endX, y: hwTop + (span * (i + 0.5)) / ends.length - endH / 2, w: END_W, h: endH, data: { type: 'end', what, title } });
  });

  // ---- edges ----
  for (const b of bands) {
    const first = b.chains[0];
    if (!first) continue;
    if (b.hook === 'ingress') {
      const hwFirst = hwChainId(b.dev, first.index);
      if (nodes.some((n) => n.id === hwFirst)) edge(portId(b.dev), hwFirst, 'in');
      edge(portId(b.dev), swChainId(b.dev, b.hook, first.index), 'in');
    }
    for (const c of b.chains) {
      const swId = swChainId(b.dev, b.hook, c.index);
      const hwId = hwChainId(b.dev, c.index);
      const hasHw = nodes.some((n) => n.id === hwId);
      if (hasHw) edge(hwId, swId, 'miss');
      for (const f of c.filters) {
        for (const g of f.gotos) {
          edge(swId, swChainId(b.dev, b.hook, g), 'goto');
          if (f.inHw) edge(hwId, hwChainId(b.dev, g), 'goto');
        }
        for (const z of f.zones) {
          edge(swId, flowtableId(z), 'ct');
          if (f.inHw) edge(hwId, HWCT_ID, 'ct');
        }
        for (const r of f.redirects) {
          const to = endId(endpointOf(view, r));
          edge(swId, to, 'out');
          if (f.inHw) edge(hwId, to, 'out');
        }
      }
    }
  }
  for (const z of view.zones) edge(flowtableId(z), CONNTRACK_ID, 'ct');

  // ---- lanes behind everything ----
  // Ports and endpoints stand outside the lanes: a port feeds both, an endpoint receives from both.
  const laneX = PORT_W + GAP_X / 2;
  const laneW = endX - GAP_X / 2 - laneX;
  nodes.unshift(
    { id: 'lane:hw', x: laneX, y: hwTop - LANE_PAD + 4, w: laneW, h: hwBottom - hwTop + LANE_PAD, data: { type: 'lane', lane: 'hw', title: 'NIC hardware (eswitch tables)' } },
    { id: 'lane:sw', x: laneX, y: swTop - LANE_PAD + 4, w: laneW, h: swBottom - swTop + LANE_PAD, data: { type: 'lane', lane: 'sw', title: 'Kernel software (tc, conntrack, flowtable)' } },
  );
  return { nodes, edges, width: endX + END_W, height: swBottom };
}

/** The uplink, every device with a tc hook, and every device a filter redirects to that is a port. */
function portsShown(view: PipelineView): PipelineView['devices'] {
  const names = new Set<string>(['uplink']);
  for (const h of view.hooks) names.add(h.dev);
  return view.devices.filter((d) => names.has(d.name));
}

function endsShown(view: PipelineView): string[] {
  const out: string[] = [];
  const add = (w: string) => {
    if (!out.includes(w)) out.push(w);
  };
  for (const d of portsShown(view)) if (d.vm) add(d.vm);
  for (const h of view.hooks) for (const c of h.chains) for (const f of c.filters) for (const r of f.redirects) add(endpointOf(view, r));
  add('wire');
  add('host');
  if (view.ovs) add('ovs');
  return out;
}

/** Pushes nodes of one column down so none overlaps the one above it. */
function spreadVertically(col: LaidNode[], minStep: number): void {
  col.sort((a, b) => a.y - b.y);
  for (let i = 1; i < col.length; i++) col[i].y = Math.max(col[i].y, col[i - 1].y + minStep);
}

/** The `n` filters with the most packets by `count`, busiest first; equal counts keep prio order. */
function busiest(filters: readonly PipelineFilter[], n: number, count: (f: PipelineFilter) => number): PipelineFilter[] {
  return [...filters].sort((p, q) => count(q) - count(p)).slice(0, n);
}
