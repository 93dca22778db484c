/**
 * The virtual time a view's countdowns run from: the cursor's time when paused, the play
 * clock between steps while playing (read from the one frame loop, re-rendering at most
 * every `everyMs` of wall time so a table of countdowns costs a few renders a second).
 */
import { useEffect, useState } from 'react';
import type { Micros } from '../../engine/clock';
import { useController } from './context';
import { useLab } from './store';
import { onTick } from './ticker';

export function useNow(everyMs = 200): Micros {
  const c = useController();
  const cursorT = useLab((s) => s.cursor.t);
  const playing = useLab((s) => s.playing);
  const [now, setNow] = useState(cursorT);
  useEffect(() => {
    setNow(c.displayTime);
    if (!playing) return;
    let last = 0;
    return onTick((wall) => {
      if (wall - last < everyMs) return;
      last = wall;
      setNow(c.displayTime);
    });
  }, [c, cursorT, playing, everyMs]);
  return playing ? now : cursorT;
}
