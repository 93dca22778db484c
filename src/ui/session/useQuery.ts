/**
 * A view's windowed read of the state at the cursor: re-asked whenever the state may have
 * changed (`stateVersion`) or the query itself changes; the last answer stays on screen until
 * the next one arrives, so views do not flicker.
 */
import { useEffect, useState } from 'react';
import type { Answer, Query } from '../../worker/protocol';
import { useController } from './context';
import { useLab } from './store';

/** An answer, and the `stateVersion` it answers (benchmarks read it from the DOM). */
export type Versioned<A> = A & { version: number };

export function useQuery<K extends Query['kind']>(query: Extract<Query, { kind: K }> | null): Versioned<Extract<Answer, { kind: K }>> | null {
  const c = useController();
  const version = useLab((s) => s.stateVersion);
  const ready = useLab((s) => s.status === 'ready');
  const key = JSON.stringify(query);
  const [answer, setAnswer] = useState<Versioned<Extract<Answer, { kind: K }>> | null>(null);
  useEffect(() => {
    if (!query || !ready) return;
    let live = true;
    void c.query(query).then((a) => {
      if (live && a) setAnswer({ ...a, version });
    });
    return () => {
      live = false;
    };
    // `key` stands for `query`: a new object with the same content asks nothing new.
  }, [c, key, version, ready]);
  return answer;
}
