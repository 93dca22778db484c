/**
 * The Web Worker that hosts the simulator: the only module that touches the worker's global
 * scope. Each message is one Request, answered by one Reply with its id (protocol.ts); an
 * exception inside the engine becomes a `fault` reply, and the page restarts the worker.
 * Between requests the survey runs in short slices, once the page has been quiet for a moment,
 * so replies are not held up behind one.
 */
import { WorkerHost } from './host';
import type { ReplyMessage, RequestMessage } from './protocol';

const IDLE_SLICE_MS = 8;
const host = new WorkerHost(() => performance.now());
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The next survey slice, once the page has been quiet for a while (WorkerHost.idleDelay). */
function scheduleIdle(): void {
  if (idleTimer !== undefined) return;
  idleTimer = setTimeout(() => {
    idleTimer = undefined;
    if (host.idleDelay() > 0) return scheduleIdle();
    try {
      if (host.idle(IDLE_SLICE_MS)) scheduleIdle();
    } catch {
      // The survey hit an engine error: the live run will meet it too and report it.
    }
  }, host.idleDelay());
}

self.addEventListener('message', (e: MessageEvent<RequestMessage>) => {
  const { id, request } = e.data;
  let message: ReplyMessage;
  try {
    message = { id, reply: host.handle(request) };
  } catch (err) {
    message = { id, reply: { type: 'fault', message: err instanceof Error ? err.message : String(err) } };
  }
  self.postMessage(message);
  scheduleIdle();
});
