/**
 * A fault or a stall of the simulator: what happened, and a way out that keeps the scenario and
 * the cursor. Shown by the page's Pipeline region and by presenter and embed mode alike, so a
 * crash on stage is never hidden behind the slides.
 */
import { useController } from './context';
import { useLab } from './store';

export function Problem() {
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
