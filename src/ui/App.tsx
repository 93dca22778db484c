/**
 * Placeholder page: edit the scenario, run it in the worker, read the show commands' output.
 * The full pipeline view comes later; this proves the engine runs in the browser.
 */
import { useId, useRef, useState } from 'react';
import talkWebServer from '../scenarios/talk-web-server.sim?raw';
import { formatSimError } from './formatError';
import { startSimWorker } from './simClient';

const DEFAULT_SEED = 1;

interface RunView {
  output: string;
  error?: string;
}

/** Each show command's output under its command line, as a terminal session reads. */
function withPrompts(scenario: string, outputs: string[], lines: number[]): string {
  const source = scenario.split('\n');
  return outputs.map((out, i) => `$ ${(source[lines[i] - 1] ?? '').trim()}\n${out}`).join('\n');
}

export function App() {
  const worker = useRef<ReturnType<typeof startSimWorker> | null>(null);
  const [scenario, setScenario] = useState(talkWebServer);
  const [seed, setSeed] = useState(DEFAULT_SEED);
  const [running, setRunning] = useState(false);
  const [view, setView] = useState<RunView>({ output: '' });
  const scenarioId = useId();
  const seedId = useId();

  async function run(): Promise<void> {
    worker.current ??= startSimWorker();
    setRunning(true);
    try {
      const result = await worker.current.run(scenario, seed);
      setView({ output: withPrompts(scenario, result.outputs, result.outputLines), error: result.error && formatSimError(result.error) });
    } catch (err) {
      setView({ output: '', error: `internal error: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setRunning(false);
    }
  }

  return (
    <main>
      <h1>CT Offload Lab</h1>
      <p className="tagline">Linux tc connection tracking and its hardware offload, simulated.</p>
      <div className="field">
        <label htmlFor={scenarioId}>Scenario</label>
        <textarea
          id={scenarioId}
          value={scenario}
          onChange={(e) => setScenario(e.target.value)}
          spellCheck={false}
          wrap="off"
          rows={18}
        />
      </div>
      <div className="controls">
        <label htmlFor={seedId}>Seed</label>
        <input
          id={seedId}
          type="number"
          min={0}
          max={0xffff_ffff}
          value={seed}
          onChange={(e) => setSeed(e.target.valueAsNumber >>> 0)}
        />
        <button type="button" onClick={run} disabled={running}>
          {running ? 'Running…' : 'Run'}
        </button>
      </div>
      {view.error && (
        <p role="alert" className="error">
          {view.error}
        </p>
      )}
      <h2 id="output-heading">Output</h2>
      <pre role="log" aria-labelledby="output-heading">
        {view.output}
      </pre>
    </main>
  );
}
