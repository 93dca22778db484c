/** A control's way to run lines through the session: busy while they run, the error they met. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PositionedError } from '../../worker/protocol';
import { useController } from '../session/context';

export interface ExecState {
  busy: boolean;
  /** The line that failed, why, and which control ran it (null: the last run went through). */
  failed: { line: string; error: PositionedError; where?: string; lineNo?: number } | null;
  /** Runs the lines; `where` names the control, so its error is shown beside it. */
  run: (lines: readonly string[], where?: string) => Promise<boolean>;
  clear: () => void;
}

export function useExec(): ExecState {
  const c = useController();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<ExecState['failed']>(null);
  const run = useCallback(
    async (lines: readonly string[], where?: string) => {
      setBusy(true);
      setFailed(null);
      try {
        const bad = lines.length === 1 ? await c.exec(lines[0]).then((r) => (r?.error ? { index: 0, error: r.error } : null)) : await c.execLines(lines);
        // Among several pasted lines, the message names which one.
        if (bad) setFailed({ line: lines[bad.index], error: bad.error, ...(where ? { where } : {}), ...(lines.length > 1 ? { lineNo: bad.index + 1 } : {}) });
        return bad === null;
      } finally {
        setBusy(false);
      }
    },
    [c],
  );
  return { busy, failed, run, clear: useCallback(() => setFailed(null), []) };
}

/**
 * An error under the control that ran its line: the message first (it wraps in a narrow
 * panel), then the line with a caret at the column (it scrolls sideways, keeping the caret
 * under its character).
 */
export function LineError({ line, error, lineNo }: { line: string; error: PositionedError; lineNo?: number }) {
  // Under a form that may fill its panel: scrolled into view, or the click seems to do nothing.
  const box = useIntoView<HTMLDivElement>(line, error);
  const text = useRef<HTMLPreElement>(null);
  useEffect(() => {
    // A long line is scrolled sideways to put the caret mid-view (monospace: columns are even).
    const pre = text.current;
    if (pre) pre.scrollLeft = Math.max(0, (pre.scrollWidth * (error.col - 1)) / Math.max(line.length, error.col) - pre.clientWidth / 2);
  }, [line, error]);
  return (
    <div role="alert" className="line-error" ref={box}>
      <p>
        {lineNo ? `line ${lineNo}, ` : ''}col {error.col}: {error.message}
      </p>
      <pre className="mono" ref={text}>
        {line}
        {'\n'}
        {' '.repeat(Math.max(0, error.col - 1))}^
      </pre>
    </div>
  );
}

/**
 * A ref whose element is scrolled into its panel's view whenever `deps` change: a message that
 * opens below a panel's fold. (A block body: Chromium's scrollIntoView returns a promise, which
 * React would take for an effect's cleanup.)
 */
export function useIntoView<T extends HTMLElement>(...deps: unknown[]) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
    // The caller's deps are what makes the message new.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return ref;
}

/** The last run's error, when the control named `where` ran it. */
export function ErrorAt({ exec, where }: { exec: ExecState; where: string }) {
  return exec.failed?.where === where ? <LineError {...exec.failed} /> : null;
}
