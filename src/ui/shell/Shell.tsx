/**
 * A terminal-like panel: a command of the language runs at the cursor (Enter) and is
 * inserted into the scenario; its output is what the CLI prints; an error shows its message
 * with a caret under the column and changes nothing. ↑/↓ walk the history.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { useController } from '../session/context';
import { useLab, type ShellEntry } from '../session/store';
import { browse, caretLine, type HistoryState } from './history';

export const Shell = memo(function Shell() {
  const c = useController();
  const entries = useLab((s) => s.shell);
  const ready = useLab((s) => s.status === 'ready');
  const [text, setText] = useState('');
  const [history, setHistory] = useState<HistoryState>({ index: 0, draft: '' });
  const logRef = useRef<HTMLDivElement>(null);
  const lines = entries.map((e) => e.input);

  useEffect(() => {
    setHistory({ index: entries.length, draft: '' });
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [entries.length]);

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>): void {
    if (e.key === 'Enter' && text.trim()) {
      e.preventDefault();
      const line = text;
      setText('');
      void c.exec(line);
    } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const r = browse(lines, history, text, e.key === 'ArrowUp' ? -1 : 1);
      setHistory(r.state);
      setText(r.text);
    }
  }

  return (
    <div className="shell">
      <div ref={logRef} className="shell-output" role="log" aria-label="Shell output">
        {entries.length === 0 && <p className="hint">Type a command (tc …, conntrack -L, send …, sleep 1) and press Enter: it runs at the cursor.</p>}
        {entries.map((e) => (
          <ShellLine key={e.id} entry={e} />
        ))}
      </div>
      <div className="shell-input">
        <span className="prompt" aria-hidden="true">
          $
        </span>
        <input
          aria-label="Command"
          value={text}
          disabled={!ready}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="conntrack -L"
        />
      </div>
    </div>
  );
});

const ShellLine = memo(function ShellLine({ entry }: { entry: ShellEntry }) {
  return (
    <div className="shell-entry">
      <pre className="shell-cmd">$ {entry.input}</pre>
      {entry.error ? (
        <pre className="shell-error" role="alert">
          {`  ${entry.input}\n  ${caretLine(entry.error.col)}\ncol ${entry.error.col}: ${entry.error.message}`}
        </pre>
      ) : (
        entry.output && <pre className="shell-result">{entry.output}</pre>
      )}
      {!entry.error && !entry.inserted && <p className="shell-note">(run at the cursor; not added to the scenario)</p>}
    </div>
  );
});
