/**
 * A packet's journey (its events in the order the engine emitted them) → the hops its dot
 * travels on the pipeline graph. Pure: node ids follow the layout's naming convention
 * (graph/layout.ts), so a hop names the node, the filter row, the lane, and what to show there
 * (a hit, a miss with what the driver restored, a drop with its reason, NAT, decap).
 *
 * Nesting (events.ts): an action's consequences come before the `tc.action` that closes it,
 * and mirred transmits inline, so following the events in order follows the packet.
 */
import type { SimEvent, TupleView } from '../../engine/events';
import { CONNTRACK_ID, endId, flowtableId, HWCT_ID, hwChainId, portId, rowKey, swChainId, type Lane } from '../graph/layout';

export type HopKind = 'inject' | 'arrive' | 'table' | 'filter' | 'ct' | 'ft' | 'miss' | 'resume' | 'deliver' | 'drop';

export interface Hop {
  node: string;
  lane: Lane;
  kind: HopKind;
  /** The filter row lit at this hop (layout rowKey). */
  row?: string;
  /** A table lookup that missed (hardware table, flowtable). */
  missed?: boolean;
  /** Text carried beside the dot from here on (what a miss restored, NAT, decap). */
  badge?: string;
  /** Why the packet was dropped. */
  reason?: string;
}

export function tupleText(t: TupleView): string {
  return t.sport !== undefined ? `${t.src}:${t.sport} > ${t.dst}:${t.dport}` : `${t.src} > ${t.dst}`;
}

/** What the driver restored on a hardware miss (chain or action, ct_state, zone, tunnel id), as the badge shows it. */
export function restoreBadge(e: Extract<SimEvent, { kind: 'hw.miss' }>): string {
  const parts = [e.resumeAction ? `action: ${e.resumeAction}` : `chain ${e.resumeChain}`];
  if (e.ctState) parts.push(`ct_state ${e.ctState}`);
  if (e.zone !== undefined) parts.push(`zone ${e.zone}`);
  if (e.tunnelId !== undefined) parts.push(`tunnel id ${e.tunnelId}`);
  return `restored: ${parts.join(', ')}`;
}

export function journeyHops(events: readonly SimEvent[]): Hop[] {
  const hops: Hop[] = [];
  const hookOf = new Map<string, string>();
  let pendingBadge: string | undefined;
  const push = (h: Hop) => {
    if (pendingBadge && !h.badge) h.badge = pendingBadge;
    pendingBadge = undefined;
    const last = hops[hops.length - 1];
    // Entering a chain and then matching one of its filters is one stop, not two.
    if (last && last.node === h.node && !last.row && (h.kind === 'arrive' || (h.kind === 'filter' && (last.kind === 'arrive' || last.kind === 'resume')))) {
      if (h.row) last.row = h.row;
      last.badge ??= h.badge;
      return;
    }
    hops.push(h);
  };
  const annotate = (badge: string) => {
    const last = hops[hops.length - 1];
    if (last && !last.badge) last.badge = badge;
    else pendingBadge = badge;
  };
  for (const e of events) {
    switch (e.kind) {
      case 'packet.inject':
        push({ node: portId(e.dev), lane: 'sw', kind: 'inject' });
        break;
      case 'packet.arrive':
        hookOf.set(e.dev, e.hook);
        if (e.where === 'hw') push({ node: portId(e.dev), lane: 'hw', kind: 'arrive' });
        break;
      case 'tc.classify':
        hookOf.set(e.dev, e.hook);
        if (!e.resumed) push({ node: swChainId(e.dev, e.hook, e.chain), lane: 'sw', kind: 'arrive' });
        break;
      case 'tc.filter':
        // In hardware the rule's hw.table hit already placed the packet on its row.
        if (!e.matched || e.where === 'hw') break;
        push({ node: swChainId(e.dev, hookOf.get(e.dev) ?? 'ingress', e.chain), lane: 'sw', kind: 'filter', row: rowKey(e.prio, e.handle) });
        break;
      case 'hw.table':
        if (e.table === 'ct' || e.table === 'ct_nat') push({ node: HWCT_ID, lane: 'hw', kind: 'table', missed: !e.hit });
        else push({ node: hwChainId(e.dev, e.chain), lane: 'hw', kind: 'table', missed: !e.hit, ...(e.hit && e.prio !== undefined ? { row: rowKey(e.prio, e.handle ?? 0) } : {}) });
        break;
      case 'hw.miss': {
        const last = hops[hops.length - 1];
        if (last && last.lane === 'hw') {
          last.kind = 'miss';
          last.missed = true;
        }
        push({ node: swChainId(e.resumeDev, 'ingress', e.resumeChain), lane: 'sw', kind: 'resume', badge: restoreBadge(e) });
        hookOf.set(e.resumeDev, 'ingress');
        break;
      }
      case 'ft.lookup':
        push({ node: flowtableId(e.zone), lane: 'sw', kind: 'ft', missed: !e.hit });
        break;
      case 'ct.lookup':
        // A cached entry is no lookup at all: the skb already carries it.
        if (e.result !== 'cached') push({ node: CONNTRACK_ID, lane: 'sw', kind: 'ct' });
        break;
      case 'ct.nat':
        annotate(`NAT ${e.manip}: ${tupleText(e.before)} → ${tupleText(e.after)}`);
        break;
      case 'packet.decap':
        annotate(`decap VXLAN vni ${e.vni} from ${e.src}`);
        break;
      case 'packet.encap':
        annotate(`encap VXLAN vni ${e.vni} to ${e.dst}`);
        break;
      case 'packet.deliver':
        push({ node: endId(e.to === 'vm' ? e.target : e.to), lane: e.where, kind: 'deliver' });
        break;
      case 'packet.drop': {
        const last = hops[hops.length - 1];
        if (last) hops.push({ node: last.node, lane: last.lane, kind: 'drop', reason: e.reason, ...(last.row ? { row: last.row } : {}) });
        break;
      }
      case 'ovs.recirc':
        push({ node: endId('ovs'), lane: 'sw', kind: 'deliver', badge: `recirc_id ${e.recircId}` });
        break;
      default:
        break;
    }
  }
  return hops;
}

/** The connection a packet belongs to, the same for both directions: its colour's key. */
export function connectionKey(summary: string): string {
  // tcpdump's "A.p > B.q: proto …" (the inner packet after a VXLAN header).
  const inner = summary.includes(': VXLAN') ? summary.slice(summary.indexOf(': ', summary.indexOf('VXLAN')) + 2) : summary;
  const m = /^(\S+) > ([^:\s]+):\s*(\w+)/.exec(inner);
  if (!m) return inner;
  const [a, b] = [m[1], m[2]].sort();
  return `${m[3]} ${a} ${b}`;
}

/** A stable hue (0–359) for a connection key (FNV-1a). */
export function hueOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Golden-angle spread so neighbouring keys differ visibly.
  return Math.round(((h >>> 0) * 137.508) % 360);
}
