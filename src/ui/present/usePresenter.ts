/**
 * Presenter mode's actions on the session. Every move is the worker's: next plays (animated)
 * up to the next checkpoint's cursor, previous and a deep link seek to a checkpoint's cursor;
 * the page never computes a state. While a next is animating, another next completes it at once.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { readNarration, type Narration } from '../../engine/script/narration';
import type { SimError } from '../../engine/script/ast';
import { useController } from '../session/context';
import { setLab, useLab } from '../session/store';
import { checkpointAt, checkpointFocus, cursorOf, nextCheckpoint, previousCheckpoint, stepsOf } from './model';

/** Packets whose journeys decide what a checkpoint without `## focus:` shows. */
const FOCUS_PACKETS = 50;

export interface Presenter {
  narration: Narration | null;
  narrationError?: SimError;
  /** Checkpoint cursors once the worker has reported them. */
  cursors: number[] | null;
  /** The checkpoint shown: the one being moved to, else the one the cursor has reached. */
  current: number;
  moving: boolean;
  go: (k: number) => Promise<void>;
  next: () => Promise<void>;
  previous: () => Promise<void>;
}

export function usePresenter(): Presenter {
  const c = useController();
  const text = useLab((s) => s.text);
  const ready = useLab((s) => s.status === 'ready');
  const step = useLab((s) => s.cursor.step);
  const playing = useLab((s) => s.playing);
  const read = useMemo(() => readNarration(text), [text]);
  const narration = 'error' in read ? null : read;
  const [cursors, setCursors] = useState<{ text: string; steps: number[] } | null>(null);
  const [target, setTarget] = useState<number | null>(null);

  useEffect(() => {
    if (!ready || !narration || cursors?.text === text) return;
    let live = true;
    void c.query({ kind: 'lineEnds', lines: narration.checkpoints.map((cp) => cp.lastCommandLine) }).then((a) => {
      if (live && a) setCursors({ text, steps: a.steps });
    });
    return () => {
      live = false;
    };
  }, [c, ready, text, narration, cursors]);

  const steps = cursors?.text === text ? cursors.steps : null;
  // The animation ended (or was stopped): the cursor says where we are again.
  useEffect(() => {
    if (!playing) setTarget(null);
  }, [playing]);

  /** The checkpoint whose part of the graph is in view (a refit of the same one would jolt the view). */
  const focused = useRef<{ steps: number[]; k: number } | null>(null);
  const focusOn = useCallback(
    async (k: number) => {
      if (!steps || !narration) return;
      if (focused.current?.steps === steps && focused.current.k === k) return;
      focused.current = { steps, k };
      const { from, to } = stepsOf(steps, k);
      const journeys = k > 0 ? await c.query({ kind: 'journeys', from, to, limit: FOCUS_PACKETS }) : null;
      setLab({ graphFocus: { patterns: k > 0 ? checkpointFocus(narration.checkpoints[k - 1].focus, journeys?.events ?? []) : [] } });
    },
    [c, steps, narration],
  );

  const go = useCallback(
    async (k: number, animate = false) => {
      if (!steps) return;
      await focusOn(k);
      if (!animate) return c.seek(cursorOf(steps, k));
      setTarget(k);
      await c.playTo(cursorOf(steps, k));
    },
    [c, steps, focusOn],
  );

  const next = useCallback(async () => {
    if (!steps) return;
    if (target !== null) return c.seek(cursorOf(steps, target));
    const k = nextCheckpoint(steps, step);
    if (k !== null) await go(k, true);
  }, [c, steps, target, step, go]);

  const previous = useCallback(async () => {
    if (!steps) return;
    const k = previousCheckpoint(steps, target !== null ? cursorOf(steps, target) : step);
    if (k !== null) await go(k);
  }, [steps, target, step, go]);

  // Entering at a cursor (not by a move): bring that checkpoint's part of the graph into view.
  const reached = steps ? checkpointAt(steps, step) : 0;
  useEffect(() => {
    if (target === null) void focusOn(reached);
    // Only when the checkpoint reached changes, not when a move starts.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reached, steps]);

  return {
    narration,
    ...('error' in read ? { narrationError: read.error } : {}),
    cursors: steps,
    current: target ?? reached,
    moving: target !== null,
    go,
    next,
    previous,
  };
}
