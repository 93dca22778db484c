/**
 * The "Scenario library" dialog: the scenarios the app ships, each with its title and
 * description (from its narration); choosing one loads it at t = 0.
 */
import { useEffect, useId, useRef } from 'react';
import { formatSimError } from '../formatError';
import type { LibraryEntry } from './catalog';
import { LIBRARY } from './scenarios';
import './library.css';

export function LibraryDialog({ open, onClose, onChoose }: { open: boolean; onClose: () => void; onChoose: (entry: LibraryEntry) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className="help library" aria-labelledby={titleId} onClose={onClose}>
      <header className="help-header">
        <h2 id={titleId}>Scenario library</h2>
        <button type="button" onClick={onClose} aria-label="Close scenario library">
          ✕
        </button>
      </header>
      <ul className="library-list">
        {LIBRARY.map((e) => (
          <li key={e.id}>
            <button type="button" className="library-entry" onClick={() => onChoose(e)}>
              <strong>{e.title}</strong>
              {e.description && <span>{e.description}</span>}
              <small>
                {e.id}
                {e.narration.checkpoints.length > 0 && ` · ${e.narration.checkpoints.length} checkpoints`}
                {e.narrationError && ` · narration: ${formatSimError(e.narrationError)}`}
              </small>
            </button>
          </li>
        ))}
      </ul>
    </dialog>
  );
}
