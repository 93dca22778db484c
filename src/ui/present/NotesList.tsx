import type { NotesState } from './notes';

/** The current and the next checkpoint's notes (the notes window and the on-screen toggle). */
export function NotesList({ state }: { state: NotesState | null }) {
  if (!state) return <p className="hint">Waiting for the presenter…</p>;
  return (
    <>
      <h3>{state.current ? `Now: ${state.current.title}` : 'Now: the start'}</h3>
      {state.current?.notes.length ? state.current.notes.map((t, i) => <p key={i}>{t}</p>) : <p className="hint">No notes.</p>}
      <h3>{state.next ? `Next: ${state.next.title}` : 'Next: the end'}</h3>
      {state.next?.notes.map((t, i) => <p key={i}>{t}</p>)}
    </>
  );
}
