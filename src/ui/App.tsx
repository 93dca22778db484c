/**
 * The page: the frame (header, named regions, themes, help) around the live session's views.
 * It opens with a share link's scenario if the URL carries one, else the talk's web-server
 * scenario, paused at t = 0 (an unsaved draft of the editor comes back in the editor).
 * Region names are a public contract (README).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import talkWebServer from '../scenarios/talk-web-server.sim?raw';
import { ChartsView } from './charts/ChartsView';
import { ControlsRegion } from './controls/ControlsRegion';
import { ScenarioPanel } from './editor/ScenarioPanel';
import { Frame } from './frame/Frame';
import { useShortcuts } from './frame/shortcuts';
import { Inspector } from './inspector/Inspector';
import { PlaybackControls, Timeline } from './playback/PlaybackControls';
import { ControllerContext, useController } from './session/context';
import { LabController } from './session/controller';
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

/** What the session opens with: a share link's scenario, else the talk scenario. */
function initialScenario(): { text: string; seed: number; fromLink: boolean; linkError?: string } {
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
  // One controller (and worker) for the page's lifetime.
  const [controller] = useState(() => new LabController({ spawn: spawnWorker, stallMs: testStallMs() }));
  const [initial] = useState(initialScenario);
  useEffect(() => {
    void controller.load(initial.text, initial.seed);
    if (new URLSearchParams(location.search).has('testhooks')) {
      window.__ctlab = { crashNext: () => controller.crashNext(), load: (text) => controller.load(text, DEFAULT_SEED) };
    }
  }, [controller, initial]);
  return (
    <ControllerContext.Provider value={controller}>
      <Keys />
      <Frame
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
function Keys() {
  const c = useController();
  useShortcuts({
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
      <PlayHint />
      <div className="pipeline-body">
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

/** A fault or a stall: what happened, and a way out that keeps the scenario and the cursor. */
function Problem() {
  const c = useController();
  const problem = useLab((s) => s.problem);
  const stalled = useLab((s) => s.status === 'stalled');
  if (!problem) return null;
  return (
    <div role="alert" className="problem">
      <p>{problem}</p>
      <p>{stalled ? 'Cancel restarts the simulator and returns to the last position that worked.' : 'Restart brings the scenario back to the last position that worked.'}</p>
      <button type="button" onClick={() => void c.recover()}>
        {stalled ? 'Cancel' : 'Restart'}
      </button>
    </div>
  );
}
