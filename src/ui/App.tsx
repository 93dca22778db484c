/**
 * The page: the session's controls above the regions of the lab. The regions' accessible
 * names are a public contract (README): "Pipeline", "Conntrack table", "Hardware",
 * "Inspector", "Shell", "Scenario".
 */
import { useEffect, useState } from 'react';
import { useKeys } from './playback/keys';
import talkWebServer from '../scenarios/talk-web-server.sim?raw';
import { StepEvents } from './inspector/StepEvents';
import { PlaybackControls, Timeline } from './playback/PlaybackControls';
import { ControllerContext, useController } from './session/context';
import { LabController } from './session/controller';
import { useLab } from './session/store';
import { Shell } from './shell/Shell';
import { ConntrackTable } from './tables/ConntrackTable';
import { HardwareView } from './tables/HardwareView';
import { FlowtablesView } from './tables/FlowtablesView';
import { ControlsRegion } from './controls/ControlsRegion';
import { ChartsView } from './charts/ChartsView';

function spawnWorker(): Worker {
  return new Worker(new URL('../worker/sim.worker.ts', import.meta.url), { type: 'module' });
}

declare global {
  interface Window {
    /** Test hooks, only with `?testhooks` in the URL (README, "Faults"). */
    __ctlab?: { crashNext: () => Promise<void> };
  }
}

export function App() {
  // One controller (and worker) for the page's lifetime.
  const [controller] = useState(() => new LabController({ spawn: spawnWorker }));
  useEffect(() => {
    void controller.load(talkWebServer, 1);
    if (new URLSearchParams(location.search).has('testhooks')) window.__ctlab = { crashNext: () => controller.crashNext() };
  }, [controller]);
  useKeys(controller);
  return (
    <ControllerContext.Provider value={controller}>
      <header className="app-header">
        <h1>CT Offload Lab</h1>
        <PlaybackControls />
      </header>
      <Problem />
      <Timeline />
      <PlayHint />
      <main className="regions">
        <section role="region" aria-label="Pipeline" className="region">
          <h2>Pipeline</h2>
        </section>
        <section role="region" aria-label="Inspector" className="region">
          <h2>Inspector</h2>
          <StepEvents />
        </section>
        <section role="region" aria-label="Conntrack table" className="region">
          <h2>Conntrack table</h2>
          <ConntrackTable />
        </section>
        <section role="region" aria-label="Flowtables" className="region">
          <h2>Flowtables</h2>
          <FlowtablesView />
        </section>
        <section role="region" aria-label="Hardware" className="region">
          <h2>Hardware</h2>
          <HardwareView />
        </section>
        <section role="region" aria-label="Controls" className="region">
          <h2>Controls</h2>
          <ControlsRegion />
        </section>
        <section role="region" aria-label="Charts" className="region">
          <h2>Charts</h2>
          <ChartsView />
        </section>
        <section role="region" aria-label="Shell" className="region">
          <h2>Shell</h2>
          <Shell />
        </section>
        <section role="region" aria-label="Scenario" className="region">
          <h2>Scenario</h2>
          <ScenarioText />
        </section>
      </main>
    </ControllerContext.Provider>
  );
}

function ScenarioText() {
  const text = useLab((s) => s.text);
  return <pre className="mono-block">{text}</pre>;
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
