/** Table cells as conntrack-tools writes them. */
import type { TupleView } from '../../engine/events';

/** `src=… dst=… sport=… dport=…` (ICMP: type, code, id). */
export function tupleText(t: TupleView): string {
  const l4 = t.sport !== undefined ? ` sport=${t.sport} dport=${t.dport}` : t.type !== undefined ? ` type=${t.type} code=${t.code} id=${t.id}` : '';
  return `src=${t.src} dst=${t.dst}${l4}`;
}
