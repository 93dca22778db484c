/** Table cells as conntrack-tools writes them. */
import type { TupleView } from '../../engine/events';

/** `src=… dst=… sport=… dport=…` (ICMP: type, code, id). */
export function tupleText(t: TupleView): string {
  const l4 = t.sport !== undefined ? ` sport=${t.sport} dport=${t.dport}` : t.type !== undefined ? ` type=${t.type} code=${t.code} id=${t.id}` : '';
  return `src=${t.src} dst=${t.dst}${l4}`;
}

/** ICMP's ` type=… code=… id=…` after the addresses; empty for other protocols. */
export function icmpText(t: TupleView): string {
  return t.type !== undefined ? ` type=${t.type} code=${t.code} id=${t.id}` : '';
}

/** `src:sport → dst:dport` (ICMP: `src → dst type=… code=… id=…`), as the table shows a tuple. */
export function tupleLine(t: TupleView): string {
  const ends = t.sport !== undefined ? `${t.src}:${t.sport} → ${t.dst}:${t.dport}` : `${t.src} → ${t.dst}`;
  return ends + icmpText(t);
}
