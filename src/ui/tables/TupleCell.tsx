/** A tuple as `src:sport → dst:dport` (ICMP: type/code/id), with the NAT-rewritten parts marked. */
import type { TupleView } from '../../engine/events';
import { hasNat, type NatDiff } from './rowModel';
import { icmpText, tupleLine, tupleText } from './cells';

export function TupleCell({ tuple, nat }: { tuple: TupleView; nat?: NatDiff }) {
  const part = (text: string | number | undefined, changed: boolean | undefined, what: string) =>
    changed ? (
      <mark className="nat" title={`rewritten by NAT (${what})`}>
        {text}
      </mark>
    ) : (
      text
    );
  const ports = tuple.sport !== undefined;
  // Without a rewrite the tuple is one text node: a scrolled table mounts a few dozen of these a frame.
  if (!nat || !hasNat(nat)) {
    return (
      <span className="tuple" title={tupleText(tuple)}>
        {tupleLine(tuple)}
      </span>
    );
  }
  return (
    <span className="tuple" title={tupleText(tuple)}>
      {part(tuple.src, nat?.src, 'DNAT: the real source of replies')}
      {ports && <>:{part(tuple.sport, nat?.sport, 'port')}</>}
      {' → '}
      {part(tuple.dst, nat?.dst, 'SNAT: the translated address replies go to')}
      {ports && <>:{part(tuple.dport, nat?.dport, 'port')}</>}
      {icmpText(tuple)}
    </span>
  );
}
