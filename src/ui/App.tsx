/**
 * The page: the frame (header, named regions, themes, help) around the live session's views,
 * or presenter mode, or (with `?embed`) the graph and the narration alone, or (with `?notes`)
 * the speaker-notes window. It opens with the URL's library scenario (`?scenario=ID`) or share
 * link's, else the talk's web-server scenario, paused at t = 0 (an unsaved draft of the editor
 * comes back in the editor). Region names are a public contract (README).
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import talkWebServer from '../scenarios/talk-web-server.sim?raw';
import { ChartsView } from './charts/ChartsView';
import { ControlsRegion } from './controls/ControlsRegion';
import { ScenarioPanel } from './editor/ScenarioPanel';
import { Frame } from './frame/Frame';
import { useShortcuts } from './frame/shortcuts';
import { Inspector } from './inspector/Inspector';
import type { LibraryEntry } from './library/catalog';
import { LibraryDialog } from './library/LibraryDialog';
import { LIBRARY, libraryEntry } from './library/scenarios';
import { linkTo, readPageLink, type PageLink } from './present/link';
import { Presenter } from './present/Presenter';
import { SpeakerNotes } from './present/SpeakerNotes';
import { PlaybackControls, Timeline } from './playback/PlaybackControls';
import { ControllerContext, useController } from './session/context';
import { LabController } from './session/controller';
import { Problem } from './session/Problem';
import { useLab } from './session/store';
import { Shell } from './shell/Shell';
import { decodeShareLink } from './share/link';
import { ConntrackTable } from './tables/ConntrackTable';
import { FlowtablesView } from './tables/FlowtablesView';
import { HardwareView } from './tables/HardwareView';

declare global {
  interface Window {
    /** Test hooks, only with `?testhooks` in the URL (README, "Faults"). */
    __ctlab?: { crashNext: () => Promise<void>; load: (text: string) => Promise<void> };
  }
}

export const DEFAULT_SEED = 1;

/** The graph (and xyflow) load after the first screen. */
const PipelineGraph = lazy(() => import('./graph/PipelineGraph'));

/** What the session opens with: the URL's library scenario or share link's, else the talk scenario. */
function initialScenario(page: PageLink): { text: string; seed: number; fromLink: boolean; linkError?: string } {
  if (page.scenario !== undefined) {
    const entry = libraryEntry(page.scenario);
    if (entry) return { text: entry.text, seed: DEFAULT_SEED, fromLink: true };
    const known = LIBRARY.map((e) => e.id).join(', ');
    return { text: talkWebServer, seed: DEFAULT_SEED, fromLink: false, linkError: `unknown scenario "${page.scenario.slice(0, 80)}" (the library has: ${known})` };
  }
  const link = decodeShareLink(window.location.href);
  if (link?.ok) return { text: link.doc.text, seed: link.doc.seed, fromLink: true };
  return { text: talkWebServer, seed: DEFAULT_SEED, fromLink: false, ...(link ? { linkError: link.error } : {}) };
}

/** `?testhooks&stall=MS`: a shorter (or longer) stall threshold for tests and benchmarks. */
function testStallMs(): number | undefined {
  const q = new URLSearchParams(location.search);
  const ms = Number(q.get('stall'));
  return q.has('testhooks') && ms > 0 ? ms : undefined;
}

function spawnWorker(): Worker {
  return new Worker(new URL('../worker/sim.worker.ts', import.meta.url), { type: 'module' });
}

export function App() {
  const [page] = useState(() => readPageLink(location.search));
  return page.mode === 'notes' ? <SpeakerNotes /> : <Lab page={page} />;
}

function Lab({ page }: { page: PageLink }) {
  // One controller (and worker) for the page's lifetime.
  const [controller] = useState(() => new LabController({ spawn: spawnWorker, stallMs: testStallMs() }));
  const [initial] = useState(() => initialScenario(page));
  const [mode, setMode] = useState(page.mode);
  const [libraryOpen, setLibraryOpen] = useState(false);
  useEffect(() => {
    void controller.load(initial.text, initial.seed);
    if (new URLSearchParams(location.search).has('testhooks')) {
      window.__ctlab = { crashNext: () => controller.crashNext(), load: (text) => controller.load(text, DEFAULT_SEED) };
    }
  }, [controller, initial]);

  const present = useCallback(() => {
    // Full screen where the browser allows it (a user gesture; not inside an iframe without permission).
    document.documentElement.requestFullscreen?.().catch(() => undefined);
    setMode('present');
  }, []);
  const leave = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    useLab.setState({ graphFocus: undefined });
    setMode('app');
  }, []);
  // The address drops its presenter part once the page is back, not in `leave`: the presenter's
  // own address effect of its last move may still be pending then, and React runs it before the
  // next render, after any write made here.
  const presented = useRef(mode !== 'app');
  useEffect(() => {
    if (mode === 'app' && presented.current) history.replaceState(history.state, '', linkTo(location.href, 'app'));
    presented.current = mode !== 'app';
  }, [mode]);
  const choose = useCallback(
    (entry: LibraryEntry) => {
      setLibraryOpen(false);
      // The address names the scenario, so a presenter's deep link carries it.
      const url = new URL(location.href);
      url.hash = '';
      url.searchParams.set('scenario', entry.id);
      history.replaceState(history.state, '', url.toString());
      void controller.load(entry.text, DEFAULT_SEED);
    },
    [controller],
  );

  if (mode === 'present' || mode === 'embed') {
    return (
      <ControllerContext.Provider value={controller}>
        <Presenter embed={mode === 'embed'} initialCheckpoint={page.checkpoint} linkError={initial.linkError ?? page.error} onLeave={leave} />
      </ControllerContext.Provider>
    );
  }
  return (
    <ControllerContext.Provider value={controller}>
      <Keys onPresent={present} />
      <LibraryDialog open={libraryOpen} onClose={() => setLibraryOpen(false)} onChoose={choose} />
      <Frame
        actions={
          <>
            {/* "Library" on screen keeps the header to one row at 1280 px; the name stays whole. */}
            <button type="button" aria-haspopup="dialog" aria-label="Scenario library" title="Scenario library" onClick={() => setLibraryOpen(true)}>
              Library
            </button>
            <button type="button" onClick={present}>
              Presenter mode <kbd aria-hidden="true">P</kbd>
            </button>
          </>
        }
        toolbar={<PlaybackControls />}
        pipeline={<Pipeline />}
        inspector={<Inspector />}
        conntrack={<ConntrackTable />}
        flowtables={<FlowtablesView />}
        hardware={<HardwareView />}
        charts={<ChartsView />}
        controls={<ControlsRegion />}
        shell={<Shell />}
        scenario={<ScenarioPanel linkError={initial.linkError} fromLink={initial.fromLink} />}
      />
    </ControllerContext.Provider>
  );
}

/** The playback shortcuts of the frame's registry, bound to the session's actions. */
function Keys({ onPresent }: { onPresent: () => void }) {
  const c = useController();
  useShortcuts({
    present: onPresent,
    playPause: () => c.togglePlay(),
    stepForward: () => void c.step('packet', 1),
    stepBack: () => void c.step('packet', -1),
    stepEventForward: () => void c.step('event', 1),
    stepEventBack: () => void c.step('event', -1),
    stepLineForward: () => void c.step('line', 1),
    stepLineBack: () => void c.step('line', -1),
    reset: () => void c.reset(),
    toEnd: () => void c.toEnd(),
  });
  return null;
}

/** The pipeline region: the timeline, the hint at the start, a fault's way out, and the graph. */
function Pipeline() {
  return (
    <div className="pipeline">
      <Problem />
      <Timeline />
      <div className="pipeline-body">
        {/* Over the graph's foot rather than above it: the graph keeps its height at t = 0 too. */}
        <PlayHint />
        <Suspense fallback={<p className="hint">Loading the pipeline…</p>}>
          <PipelineGraph />
        </Suspense>
      </div>
    </div>
  );
}

/** A hint to press Play while the session sits at the start. */
function PlayHint() {
  const show = useLab((s) => s.status === 'ready' && s.cursor.step === 0 && !s.playing);
  if (!show) return null;
  return <p className="play-hint">Paused at t = 0. Press Play (Space) to send the scenario's packets, or step through them with → and ←.</p>;
}
