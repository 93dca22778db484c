/**
 * Play/Pause, the steps (a packet; an event and a command line finer and coarser), Reset,
 * the speed, the virtual time and the timeline. Accessible names are a public contract
 * (README): "Play", "Pause", "Step forward", "Step back", "Reset", "Speed", "Timeline",
 * "Virtual time".
 */
import { memo, useEffect, useId, useRef } from 'react';
import { useController } from '../session/context';
import { SPEEDS, useLab, type Speed } from '../session/store';
import { onTick } from '../session/ticker';
import { cursorText, formatTime, markPositions, speedLabel } from './format';

export const PlaybackControls = memo(function PlaybackControls() {
  const c = useController();
  const playing = useLab((s) => s.playing);
  const speed = useLab((s) => s.speed);
  const ready = useLab((s) => s.status === 'ready');
  const atStart = useLab((s) => s.cursor.step === 0);
  const atEnd = useLab((s) => s.cursor.atEnd);
  const speedId = useId();
  return (
    <div className="playback" role="toolbar" aria-label="Playback">
      <button type="button" onClick={() => void c.reset()} disabled={!ready || atStart} title="Reset to the start (Home)">
        Reset
      </button>
      <button type="button" onClick={() => void c.step('line', -1)} disabled={!ready || atStart} aria-label="Step back one line" title="Step back one command line (Alt+←)">
        «
      </button>
      <button type="button" onClick={() => void c.step('packet', -1)} disabled={!ready || atStart} aria-label="Step back" title="Step back one packet (←)">
        ◀
      </button>
      <button type="button" onClick={() => void c.step('event', -1)} disabled={!ready || atStart} aria-label="Step back one event" title="Step back one event (Shift+←)">
        ‹
      </button>
      <button type="button" className="primary" onClick={() => c.togglePlay()} disabled={!ready || (atEnd && !playing)} aria-label={playing ? 'Pause' : 'Play'} title="Play / Pause (Space)">
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button type="button" onClick={() => void c.step('event', 1)} disabled={!ready || atEnd} aria-label="Step forward one event" title="Step forward one event (Shift+→)">
        ›
      </button>
      <button type="button" onClick={() => void c.step('packet', 1)} disabled={!ready || atEnd} aria-label="Step forward" title="Step forward one packet (→)">
        ▶|
      </button>
      <button type="button" onClick={() => void c.step('line', 1)} disabled={!ready || atEnd} aria-label="Step forward one line" title="Step forward one command line (Alt+→)">
        »
      </button>
      <label htmlFor={speedId} className="speed-label">
        Speed
      </label>
      <select id={speedId} className="speed" value={String(speed)} onChange={(e) => c.setSpeed(Number(e.target.value) as Speed)}>
        {SPEEDS.map((s) => (
          <option key={s} value={String(s)}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
      <VirtualTime />
    </div>
  );
});

/** The virtual time: the cursor's, or the play clock's between steps while playing. */
const VirtualTime = memo(function VirtualTime() {
  const c = useController();
  const t = useLab((s) => s.cursor.t);
  const playing = useLab((s) => s.playing);
  const ref = useRef<HTMLOutputElement>(null);
  useEffect(() => {
    if (!playing) return;
    // Written straight into the element from the page's one frame loop: no render per frame.
    return onTick(() => {
      if (ref.current) ref.current.textContent = formatTime(c.displayTime);
    });
  }, [c, playing]);
  return (
    <output ref={ref} className="virtual-time" aria-label="Virtual time" aria-live="off">
      {formatTime(t)}
    </output>
  );
});

/**
 * The slider over the scenario's steps, with a tick per command line and per packet; a failed
 * `expect` is also a button over its place that seeks there: "Failed expectation at line N" once
 * the cursor has reached it, "Failed expectation ahead at line N" (hollow) before.
 */
export const Timeline = memo(function Timeline() {
  const c = useController();
  const cursor = useLab((s) => s.cursor);
  const timeline = useLab((s) => s.timeline);
  const ready = useLab((s) => s.status === 'ready');
  const max = Math.max(1, cursor.known.steps);
  const ticks = markPositions(timeline.marks, max, cursor.step);
  return (
    <div className="timeline">
      <div className="timeline-track">
        <input
          type="range"
          aria-label="Timeline"
          min={0}
          max={max}
          step={1}
          value={cursor.step}
          disabled={!ready}
          aria-valuetext={cursorText(cursor)}
          title={cursorText(cursor)}
          onChange={(e) => void c.seek(e.target.valueAsNumber)}
        />
        <svg className="timeline-marks" aria-hidden="true" preserveAspectRatio="none" viewBox="0 0 1000 10">
          {ticks.map((m, i) => (
            <line key={i} className={`mark mark-${m.kind}${m.ahead ? ' mark-ahead' : ''}`} x1={m.x * 1000} x2={m.x * 1000} y1={m.kind === 'line' ? 0 : 4} y2={10}>
              <title>{m.label}</title>
            </line>
          ))}
        </svg>
        {ticks.some((m) => m.kind === 'expect-failed') && (
          <div className="timeline-failures">
            {ticks.map((m, i) =>
              m.kind === 'expect-failed' ? (
                <button
                  key={i}
                  type="button"
                  className={`timeline-failure${m.ahead ? ' ahead' : ''}`}
                  style={{ left: `${m.x * 100}%` }}
                  aria-label={m.label}
                  title={m.ahead ? `${m.label}: not reached yet (the run ahead found it fails); click to go there` : m.label}
                  disabled={!ready}
                  onClick={() => void c.seek(m.step)}
                >
                  ✗
                </button>
              ) : null,
            )}
          </div>
        )}
      </div>
      <span className="timeline-extent">
        {cursorText(cursor)}
        {timeline.omitted > 0 ? ` (${timeline.omitted} marks not drawn)` : ''}
      </span>
    </div>
  );
});
