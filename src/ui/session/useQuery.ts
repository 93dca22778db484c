/**
 * A view's windowed read of the state at the cursor. The query is registered with the
 * controller, which sends it right behind every move and shell line (so the answer arrives
 * with them); it is also asked when it changes (a new sort or window) and when the state
 * changed another way (a load, a long run). The last answer stays on screen until the next,
 * so views do not flicker; an answer equal to the one on screen is not taken, so a view
 * re-renders only when what it shows changed (the hook does not render on the state version).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Answer, Query } from '../../worker/protocol';
import { useController } from './context';
import { getLab, useLab } from './store';
import { sameValue } from './sameValue';

/** An answer, the `stateVersion` at which it was read as it is, and its query. */
export type Versioned<A> = A & { version: number; key: string };

export function useQuery<K extends Query['kind']>(query: Extract<Query, { kind: K }> | null): Versioned<Extract<Answer, { kind: K }>> | null {
  const shown = useQuerySelect(query, whole as (a: Extract<Answer, { kind: K }>) => Extract<Answer, { kind: K }>);
  return useMemo(() => shown && { ...shown.value, version: shown.version, key: shown.key }, [shown]);
}

const whole = <A,>(a: A): A => a;

/**
 * The part of an answer a view shows (`pick`, a pure function of the answer): the view
 * re-renders only when that part changes, not when the rest of the answer does (a control
 * that shows a setting is not rendered again when the counters beside it move).
 */
export function useQuerySelect<K extends Query['kind'], T>(
  query: Extract<Query, { kind: K }> | null,
  pick: (a: Extract<Answer, { kind: K }>) => T,
): { value: T; version: number; key: string } | null {
  type A = Extract<Answer, { kind: K }>;
  const c = useController();
  const key = JSON.stringify(query);
  const [answer, setAnswer] = useState<{ value: T; version: number; key: string } | null>(null);
  /** The state version and query the answer on screen was last confirmed for. */
  const confirmed = useRef({ version: -1, key: '' });
  const shown = useRef<{ value: T; version: number; key: string } | null>(null);
  // The latest `pick` (an inline function is new with every render; the query's key is what matters).
  const picker = useRef(pick);
  picker.current = pick;

  useEffect(() => {
    if (!query) return;
    const take = (a: A, v: number) => {
      if (v < confirmed.current.version && confirmed.current.key === key) return;
      confirmed.current = { version: v, key };
      // Not even a state update when nothing changed: React may render the view to find that out.
      const value = picker.current(a);
      const old = shown.current;
      if (old !== null && old.key === key && sameValue(old.value, value)) return;
      shown.current = { value, version: v, key };
      setAnswer(shown.current);
    };
    const unwatch = c.watch({
      query,
      deliver: (a, v) => {
        if (a.kind === query.kind) take(a as A, v);
      },
    });
    // Asked directly when the query is new, or when the state changed without bringing the
    // answer: a move delivers the answers in the same task as the new version, so look after it.
    let asking = false;
    let live = true;
    const check = () => {
      const s = getLab();
      if (!live || asking || s.status !== 'ready') return;
      if (confirmed.current.key === key && confirmed.current.version >= s.stateVersion) return;
      const v = s.stateVersion;
      asking = true;
      void c.query(query).then((a) => {
        asking = false;
        if (!live) return;
        if (a) take(a as A, v);
        check();
      });
    };
    const unsubscribe = useLab.subscribe((s, prev) => {
      if (s.stateVersion !== prev.stateVersion || s.status !== prev.status) queueMicrotask(check);
    });
    check();
    return () => {
      live = false;
      unwatch();
      unsubscribe();
    };
    // `key` stands for `query`: a new object with the same content is the same query.
  }, [c, key]);

  return answer;
}
