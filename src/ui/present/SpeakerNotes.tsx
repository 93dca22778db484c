/**
 * The speaker-notes window (`?notes`, opened by the presenter's "Speaker notes" button): the
 * current and the next checkpoint's notes, following the presenter over a BroadcastChannel. It
 * runs no simulator of its own.
 */
import { useEffect, useState } from 'react';
import { counterText } from './model';
import { NOTES_CHANNEL, readNotesMessage, type NotesState } from './notes';
import { NotesList } from './NotesList';
import { useTheme } from '../frame/theme';
import './present.css';

export function SpeakerNotes() {
  // The user's theme choice (the header's switch) holds here too.
  useTheme();
  const [state, setState] = useState<NotesState | null>(null);
  useEffect(() => {
    const ch = new BroadcastChannel(NOTES_CHANNEL);
    ch.onmessage = (ev) => {
      const m = readNotesMessage(ev.data);
      if (m?.type === 'state') setState(m);
    };
    ch.postMessage({ type: 'hello' });
    return () => ch.close();
  }, []);
  useEffect(() => {
    document.title = 'Speaker notes — CT Offload Lab';
  }, []);
  return (
    <main className="speaker-notes" aria-label="Speaker notes">
      <p className="presenter-counter">{state ? `${state.scenario} · ${counterText(state.index, state.count)}` : 'Speaker notes'}</p>
      <NotesList state={state} />
    </main>
  );
}
