/**
 * The scenario editor: the whole scenario text with line numbers, its seed, the parse errors
 * inline at line:col, the `expect` results at the cursor (a mark per reached line, the
 * failures listed, a summary), and "Apply scenario". Controlled: the text and seed come in as
 * props and every change goes out; the dirty mark compares them with what was last applied.
 */
import { useId, useRef } from 'react';
import type { ExpectResult } from '../../engine/expect';
import { expectMarks, expectSummary } from './expects';
import { caretUnder, lineAt, lineCount, offsetOf, type ScenarioError } from './lines';
import { MAX_SEED } from '../share/scenarioDoc';

export interface ScenarioEditorProps {
  text: string;
  seed: number;
  /** The text and seed the session runs: the editor is dirty when it differs from them. */
  appliedText: string;
  appliedSeed: number;
  errors: readonly ScenarioError[];
  /** The `expect` results at the cursor and how many the scenario has; absent while the text is edited (its lines may have moved). */
  expects?: { results: readonly ExpectResult[]; total: number };
  onChange: (text: string) => void;
  onSeedChange: (seed: number) => void;
  onApply: (text: string, seed: number) => void;
}

export function ScenarioEditor({ text, seed, appliedText, appliedSeed, errors, expects, onChange, onSeedChange, onApply }: ScenarioEditorProps) {
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);
  const seedId = useId();
  const errorsId = useId();
  const dirty = text !== appliedText || seed !== appliedSeed;
  const errorLines = new Set(errors.map((e) => e.line));
  const lines = lineCount(text);
  const marks = expectMarks(expects?.results ?? []);
  const failed = expects?.results.filter((r) => !r.ok) ?? [];

  // The gutter and the error marks follow the textarea's scroll through CSS variables (no re-render).
  const syncScroll = () => {
    const area = textareaRef.current;
    const view = viewRef.current;
    if (!area || !view) return;
    view.style.setProperty('--scroll-top', `${area.scrollTop}px`);
    view.style.setProperty('--scroll-left', `${area.scrollLeft}px`);
  };

  const goTo = (error: ScenarioError) => {
    const area = textareaRef.current;
    if (!area) return;
    const at = offsetOf(text, error.line, error.col);
    area.focus();
    area.setSelectionRange(at, at);
    // Browsers do not reliably scroll a textarea to a caret set from script: centre the line.
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 0;
    area.scrollTop = Math.max(0, (error.line - 1) * lineHeight - area.clientHeight / 2);
    syncScroll();
  };

  return (
    <div className="editor">
      <div className="editor-bar">
        <label htmlFor={seedId}>Seed</label>
        <input
          id={seedId}
          className="seed-input"
          type="number"
          min={0}
          max={MAX_SEED}
          step={1}
          value={seed}
          onChange={(e) => {
            const value = e.target.valueAsNumber;
            if (Number.isInteger(value) && value >= 0 && value <= MAX_SEED) onSeedChange(value);
          }}
        />
        <span className={`dirty-mark${dirty ? ' dirty' : ''}`} role="status">
          {dirty ? '● Edited, not applied' : 'Applied'}
        </span>
        <button type="button" className="primary" onClick={() => onApply(text, seed)}>
          Apply scenario
        </button>
      </div>
      <div className="editor-view" ref={viewRef}>
        <div className="editor-gutter" aria-hidden="true">
          <div className="editor-gutter-lines">
            {Array.from({ length: lines }, (_, i) => (
              <div key={i} className={errorLines.has(i + 1) ? 'has-error' : undefined}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        {expects && expects.total > 0 && (
          <div className="editor-expects">
            {marks.map((m) => (
              <span key={m.line} role="img" aria-label={m.label} title={m.title} className={`expect-mark ${m.ok ? 'passed' : 'failed'}`} style={{ '--line': m.line - 1 } as React.CSSProperties}>
                {m.ok ? '✓' : '✗'}
              </span>
            ))}
          </div>
        )}
        <div className="editor-text">
          <div className="editor-marks" aria-hidden="true">
            {errors.map((e, i) => (
              <div key={i} className="editor-mark" style={{ '--line': e.line - 1, '--col': e.col - 1 } as React.CSSProperties} />
            ))}
            {marks
              .filter((m) => !m.ok)
              .map((m) => (
                <div key={`x${m.line}`} className="editor-mark expect-failed-line" style={{ '--line': m.line - 1, '--col': 0 } as React.CSSProperties} />
              ))}
          </div>
          <textarea
            ref={textareaRef}
            aria-label="Scenario text"
            aria-describedby={errors.length ? errorsId : undefined}
            aria-invalid={errors.length > 0}
            value={text}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            wrap="off"
            onChange={(e) => onChange(e.target.value)}
            onScroll={syncScroll}
          />
        </div>
      </div>
      <p role="status" aria-label="Expectations" className={`editor-expect-summary${failed.length ? ' has-failures' : ''}`}>
        {expects ? expectSummary(expects.results, expects.total) : ''}
      </p>
      {failed.length > 0 && (
        <ul className="editor-errors" aria-label="Failed expectations">
          {failed.map((r) => (
            <li key={r.line}>
              <button type="button" className="error-position" onClick={() => goTo(r)}>
                line {r.line}, col {r.col}
              </button>
              : {r.expected}: found {r.found}
            </li>
          ))}
        </ul>
      )}
      {errors.length > 0 && (
        <ul className="editor-errors" id={errorsId} aria-label="Scenario errors">
          {errors.map((e, i) => (
            <li key={i}>
              <button type="button" className="error-position" onClick={() => goTo(e)}>
                line {e.line}, col {e.col}
              </button>
              : {e.message}
              <pre aria-hidden="true">{`${lineAt(text, e.line)}\n${caretUnder(e.col)}`}</pre>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
