/**
 * Presenter mode (and embed mode, its frameless cousin for an <iframe>): the pipeline graph and
 * the region "Narration" — the checkpoint's title, what the audience reads, "Checkpoint k of n".
 * Thin: the moves are usePresenter's, the texts the model's. Region and button names are a
 * public contract (README, "Presenter mode").
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Problem } from '../session/Problem';
import { useLab } from '../session/store';
import { formatSimError } from '../formatError';
import { PRESENTER_KEYS, presenterActionFor } from './keys';
import { checkpointError, linkTo } from './link';
import { counterText } from './model';
import { NotesList } from './NotesList';
import { NOTES_CHANNEL, notesState, readNotesMessage } from './notes';
import { usePresenter, type Presenter as PresenterState } from './usePresenter';
import { useTheme } from '../frame/theme';
import './present.css';

const PipelineGraph = lazy(() => import('../graph/PipelineGraph'));

export interface PresenterProps {
  embed?: boolean;
  /** The deep link's checkpoint, shown once the checkpoints are known. */
  initialCheckpoint?: number;
  /** A bad link (unknown scenario, bad checkpoint), said in the narration's place. */
  linkError?: string;
  onLeave?: () => void;
}

export function Presenter({ embed = false, initialCheckpoint, linkError, onLeave }: PresenterProps) {
  // The user's theme choice (the header's switch) holds here too.
  useTheme();
  const p = usePresenter();
  const [deepLinkError, setDeepLinkError] = useState<string>();
  const [notesShown, setNotesShown] = useState(false);
  const n = p.narration?.checkpoints.length ?? 0;

  // The deep link's checkpoint, once: checked against the scenario, then a seek to its cursor.
  const linked = useRef(false);
  useEffect(() => {
    if (linked.current || !p.cursors || initialCheckpoint === undefined) return;
    linked.current = true;
    const error = checkpointError(initialCheckpoint, n);
    if (error) setDeepLinkError(error);
    else void p.go(initialCheckpoint);
  }, [p, initialCheckpoint, n]);

  // The address bar follows along: it is a deep link to the checkpoint shown.
  useEffect(() => {
    if (p.cursors && !p.moving) history.replaceState(history.state, '', linkTo(location.href, embed ? 'embed' : 'present', p.current));
  }, [p.cursors, p.current, p.moving, embed]);

  useSpeakerNotesChannel(p, embed);
  usePresenterKeys(p, embed ? undefined : onLeave);

  const loadError = useLab((s) => s.loadError);
  const error = linkError ?? deepLinkError ?? (p.narrationError ? `narration: ${formatSimError(p.narrationError)}` : undefined);
  return (
    <div className={`presenter${embed ? ' presenter-embed' : ''}`}>
      {!embed && (
        <header className="presenter-bar">
          <span className="presenter-scenario">{p.narration?.title ?? 'Untitled scenario'}</span>
          <Moves p={p} n={n} />
          <button type="button" onClick={openNotesWindow}>
            Speaker notes
          </button>
          <button type="button" aria-pressed={notesShown} onClick={() => setNotesShown((v) => !v)}>
            Notes here
          </button>
          <button type="button" onClick={onLeave}>
            Leave presenter mode
          </button>
        </header>
      )}
      <div className="presenter-graph">
        {/* A crash or a stall stays in sight over the graph, with its way out. */}
        <Problem />
        <Suspense fallback={<p className="hint">Loading the pipeline…</p>}>
          <PipelineGraph />
        </Suspense>
      </div>
      <section className="presenter-narration" aria-label="Narration">
        {/* The run stops at a bad line: the checkpoints after it all land at the end. */}
        {!error && loadError && <p role="alert" className="presenter-error">{`the scenario stops at ${formatSimError(loadError)}`}</p>}
        {error ? <p role="alert" className="presenter-error">{error}</p> : <Slide p={p} n={n} />}
        {embed && <Moves p={p} n={n} />}
      </section>
      {notesShown && !embed && <OnScreenNotes p={p} />}
      {!embed && (
        <p className="presenter-keys" aria-hidden="true">
          {PRESENTER_KEYS.map((k) => `${k.label} ${k.action}`).join(' · ')}
        </p>
      )}
    </div>
  );
}

function Slide({ p, n }: { p: PresenterState; n: number }) {
  const status = useLab((s) => s.status);
  if (!p.narration || (!p.cursors && status !== 'fault')) return <p className="hint">Loading the scenario…</p>;
  const cp = p.current > 0 ? p.narration.checkpoints[p.current - 1] : undefined;
  return (
    <>
      <p className="presenter-counter" aria-live="polite">
        {counterText(p.current, n)}
      </p>
      <h2>{cp ? cp.title : (p.narration.title ?? 'Untitled scenario')}</h2>
      {cp ? cp.say.map((s, i) => <p key={i}>{s}</p>) : <p>{p.narration.description ?? (n ? 'Press → to start.' : 'This scenario has no checkpoints.')}</p>}
    </>
  );
}

function Moves({ p, n }: { p: PresenterState; n: number }) {
  const canBack = p.current > 0 || p.moving;
  const canOn = p.current < n || p.moving;
  return (
    <span className="presenter-moves">
      <button type="button" onClick={() => void p.previous()} disabled={!p.cursors || !canBack}>
        Previous checkpoint
      </button>
      <button type="button" className="primary" onClick={() => void p.next()} disabled={!p.cursors || !canOn}>
        Next checkpoint
      </button>
    </span>
  );
}

function OnScreenNotes({ p }: { p: PresenterState }) {
  const state = p.narration ? notesState(p.narration, p.current) : null;
  return (
    <aside className="presenter-notes" aria-label="Notes for the speaker">
      <NotesList state={state} />
    </aside>
  );
}

function openNotesWindow(): void {
  window.open(linkTo(location.href, 'notes'), 'ct-offload-lab-notes', 'popup,width=640,height=560');
}

/** Posts the notes of the checkpoint shown whenever it changes, and to a notes window that opens. */
function useSpeakerNotesChannel(p: PresenterState, embed: boolean): void {
  const channel = useRef<BroadcastChannel | null>(null);
  const state = p.narration ? notesState(p.narration, p.current) : null;
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    if (embed || typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel(NOTES_CHANNEL);
    ch.onmessage = (ev) => {
      if (readNotesMessage(ev.data)?.type === 'hello' && latest.current) ch.postMessage(latest.current);
    };
    channel.current = ch;
    return () => {
      ch.close();
      channel.current = null;
    };
  }, [embed]);
  const key = JSON.stringify(state);
  useEffect(() => {
    if (state) channel.current?.postMessage(state);
    // `key` stands for `state`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** Presenter keys on the window; Space is taken before a focused button would click itself. */
function usePresenterKeys(p: PresenterState, onLeave: (() => void) | undefined): void {
  const current = useRef(p);
  current.current = p;
  useEffect(() => {
    const onKeyDown = (ev: KeyboardEvent) => {
      if (ev.defaultPrevented || ev.isComposing) return;
      const action = presenterActionFor(ev);
      if (!action || (action === 'leave' && !onLeave)) return;
      ev.preventDefault();
      if (action === 'next') void current.current.next();
      else if (action === 'previous') void current.current.previous();
      else onLeave?.();
    };
    // Space's default on a focused button is a click on keyup: preventing the keydown and the keyup keeps one move per press.
    const onKeyUp = (ev: KeyboardEvent) => {
      if (ev.key === ' ') ev.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keyup', onKeyUp, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
    };
  }, [onLeave]);
}
