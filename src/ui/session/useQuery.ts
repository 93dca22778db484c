/**
 * A view's windowed read of the state at the cursor. The query is registered with the
 * controller, which sends it right behind every move (so the answer arrives with the move);
 * it is also asked when it changes (a new sort or window) and when the state changed another
 * way (a load, the shell). The last answer stays on screen until the next, so views do not
 * flicker.
 */
import { useEffect, useState } from 'react';
import type { Answer, Query } from '../../worker/protocol';
import { useController } from './context';
import { getLab, useLab } from './store';

/** An answer, the `stateVersion` it answers (benchmarks read it from the DOM) and its query. */
export type Versioned<A> = A & { version: number; key: string };

export function useQuery<K extends Query['kind']>(query: Extract<Query, { kind: K }> | null): Versioned<Extract<Answer, { kind: K }>> | null {
  const c = useController();
  const version = useLab((s) => s.stateVersion);
  const ready = useLab((s) => s.status === 'ready');
  const key = JSON.stringify(query);
  const [answer, setAnswer] = useState<Versioned<Extract<Answer, { kind: K }>> | null>(null);

  useEffect(() => {
    if (!query) return;
    return c.watch({
      query,
      deliver: (a, v) => {
        if (a.kind === query.kind) setAnswer({ ...(a as Extract<Answer, { kind: K }>), version: v, key });
      },
    });
    // `key` stands for `query`: a new object with the same content is the same query.
  }, [c, key]);

  // Asked directly when the query changes, or when the state changed without a move.
  const stale = answer === null || answer.version < version || answer.key !== key;
  useEffect(() => {
    if (!query || !ready || !stale) return;
    let live = true;
    const v = getLab().stateVersion;
    void c.query(query).then((a) => {
      if (live && a) setAnswer({ ...a, version: v, key });
    });
    return () => {
      live = false;
    };
  }, [c, key, version, ready]);
  return answer;
}
