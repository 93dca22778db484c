/**
 * The "Scenario library" dialog: the scenarios the app ships, each with its title and
 * description (from its narration); choosing one loads it at t = 0.
 */
import { ModalDialog } from '../frame/ModalDialog';
import { formatSimError } from '../formatError';
import type { LibraryEntry } from './catalog';
import { LIBRARY } from './scenarios';
import './library.css';

export function LibraryDialog({ open, onClose, onChoose }: { open: boolean; onClose: () => void; onChoose: (entry: LibraryEntry) => void }) {
  return (
    <ModalDialog open={open} onClose={onClose} title="Scenario library" closeLabel="Close scenario library" className="help library">
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
    </ModalDialog>
  );
}
