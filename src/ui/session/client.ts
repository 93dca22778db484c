/**
 * The page's end of the worker contract: sends Requests, matches Replies by id. A request
 * left unanswered for STALL_MS is reported (`onStall`) so the page can offer to cancel, which
 * restarts the worker; requests still pending then fail with WorkerRestarted.
 */
import type { Reply, ReplyMessage, Request } from '../../worker/protocol';

export const STALL_MS = 10_000;

export class WorkerRestarted extends Error {
  constructor() {
    super('the simulator was restarted');
  }
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  sentAt: number;
  request: Request;
}

export class SimClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  /** Called once when the request the worker is working on (the oldest) stalls, with what it asked. */
  onStall: (request: Request) => void = () => {};
  /** How long a request may go unanswered before it counts as stalled. */
  stallMs = STALL_MS;
  private stalled = new Set<number>();

  constructor(private readonly spawn: () => Worker) {
    this.worker = this.start();
  }

  request(request: Request): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt: performance.now(), request });
      this.worker.postMessage({ id, request });
      this.watch();
    });
  }

  /** Requests sent and not yet answered. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Throws the worker away (a stall or a fault) and starts a new one. */
  restart(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new WorkerRestarted());
    this.pending.clear();
    this.stalled.clear();
    this.worker = this.start();
  }

  dispose(): void {
    clearInterval(this.watchdog);
    this.worker.terminate();
  }

  private start(): Worker {
    const w = this.spawn();
    w.addEventListener('message', (e: MessageEvent<ReplyMessage>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      this.stalled.delete(e.data.id);
      p.resolve(e.data.reply);
    });
    w.addEventListener('error', (e) => {
      e.preventDefault();
      for (const p of this.pending.values()) p.resolve({ type: 'fault', message: e.message || 'the simulator worker failed' });
      this.pending.clear();
    });
    return w;
  }

  private watch(): void {
    if (this.watchdog !== undefined) return;
    this.watchdog = setInterval(() => {
      const now = performance.now();
      // The worker answers in order, so the oldest request is the one it is busy with; the
      // ones queued behind it (a line's watched queries) are not what the user is waiting on.
      const [oldest] = this.pending;
      if (oldest) {
        const [id, p] = oldest;
        if (now - p.sentAt >= this.stallMs && !this.stalled.has(id)) {
          this.stalled.add(id);
          this.onStall(p.request);
        }
      }
      if (this.pending.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }, Math.min(500, this.stallMs / 4));
  }
}
