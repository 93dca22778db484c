/** How the page writes virtual time and steps. */
import type { Micros } from '../../engine/clock';
import type { CursorView, Mark } from '../../worker/protocol';

/** `12.345678 s` (microsecond resolution, as the engine counts). */
export function formatTime(t: Micros): string {
  const s = Math.floor(t / 1_000_000);
  const us = Math.round(t - s * 1_000_000);
  return `${s}.${String(us).padStart(6, '0')} s`;
}

/** What the Timeline slider says to a screen reader and in its tooltip. */
export function cursorText(c: CursorView): string {
  const total = c.known.complete ? `${c.known.steps}` : `${c.known.steps}+`;
  const where = c.line > 0 ? `, line ${c.line}` : '';
  return `step ${c.step} of ${total}${where}, t = ${formatTime(c.t)}`;
}

/** Speed as the Speed control lists it. */
export function speedLabel(speed: number): string {
  return speed === Infinity ? 'As fast as possible' : `${speed}×`;
}

export interface TimelineTick {
  x: number;
  step: number;
  kind: Mark['kind'];
  label: string;
  /**
   * A failed `expect` the cursor has not reached: the survey ran the scenario ahead and found it,
   * but the page shows the state at the cursor, so it is drawn (and named) as still to come.
   */
  ahead: boolean;
}

/** Positions (0…1) of the timeline's marks over `steps` steps, by kind, for drawing ticks; `at` is the cursor's step. */
export function markPositions(marks: readonly Mark[], steps: number, at: number): TimelineTick[] {
  if (steps <= 0) return [];
  return marks.map((m) => {
    // A mark's step is the one that ran its line: the cursor has reached it once it stands there.
    const ahead = m.kind === 'expect-failed' && m.step > at;
    return { x: Math.min(1, m.step / steps), step: m.step, kind: m.kind, label: ahead ? `Failed expectation ahead at line ${m.line}` : markLabel(m), ahead };
  });
}

function markLabel(m: Mark): string {
  switch (m.kind) {
    case 'packet':
      return `packet ${m.pkt} (line ${m.line}) at ${formatTime(m.t)}`;
    case 'error':
      return `error at line ${m.line}`;
    case 'expect-failed':
      return `Failed expectation at line ${m.line}`;
    case 'line':
      return `line ${m.line} at ${formatTime(m.t)}`;
  }
}
