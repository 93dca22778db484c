/** The page's handle on the simulator worker. */
import { wrap, type Remote } from 'comlink';
import type { SimWorkerApi } from '../worker/sim.worker';

export function startSimWorker(): Remote<SimWorkerApi> {
  return wrap<SimWorkerApi>(new Worker(new URL('../worker/sim.worker.ts', import.meta.url), { type: 'module' }));
}
