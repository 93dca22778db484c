/** Test helper: a worker that runs the real WorkerHost in the page's thread. */
import { WorkerHost } from '../../worker/host';
import type { ReplyMessage, Request, RequestMessage } from '../../worker/protocol';

/** A worker that answers each message with a WorkerHost, a task later, and keeps what it was sent. */
export function fakeWorker(sent: Request[]): Worker {
  const host = new WorkerHost(() => 0);
  const listeners: ((e: MessageEvent<ReplyMessage>) => void)[] = [];
  return {
    postMessage({ id, request }: RequestMessage) {
      sent.push(request);
      const reply = host.handle(request);
      setTimeout(() => listeners.forEach((l) => l({ data: { id, reply } } as MessageEvent<ReplyMessage>)), 0);
    },
    addEventListener(type: string, l: (e: MessageEvent<ReplyMessage>) => void) {
      if (type === 'message') listeners.push(l);
    },
    terminate() {},
  } as unknown as Worker;
}

