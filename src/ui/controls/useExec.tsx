/** A control's way to run lines through the session: busy while they run, the error they met. */
import { useCallback, useState } from 'react';
import type { PositionedError } from '../../worker/protocol';
import { useController } from '../session/context';

export interface ExecState {
  busy: boolean;
  /** The line that failed and why (null: the last run went through). */
  failed: { line: string; error: PositionedError } | null;
  run: (lines: readonly string[]) => Promise<boolean>;
  clear: () => void;
}

export function useExec(): ExecState {
  const c = useController();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<ExecState['failed']>(null);
  const run = useCallback(
    async (lines: readonly string[]) => {
      setBusy(true);
      setFailed(null);
      try {
        const bad = lines.length === 1 ? await c.exec(lines[0]).then((r) => (r?.error ? { index: 0, error: r.error } : null)) : await c.execLines(lines);
        if (bad) setFailed({ line: lines[bad.index], error: bad.error });
        return bad === null;
      } finally {
        setBusy(false);
      }
    },
    [c],
  );
  return { busy, failed, run, clear: useCallback(() => setFailed(null), []) };
}

/** An error under the line it belongs to, with a caret at its column. */
export function LineError({ line, error }: { line: string; error: PositionedError }) {
  return (
    <div role="alert" className="line-error">
      <pre className="mono">
        {line}
        {'\n'}
        {' '.repeat(Math.max(0, error.col - 1))}^ {error.message}
      </pre>
    </div>
  );
}
