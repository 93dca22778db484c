import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Request } from '../../worker/protocol';
import { SimClient } from './client';

/** A worker that never answers: every request stays pending. */
class SilentWorker {
  addEventListener(): void {}
  postMessage(): void {}
  terminate(): void {}
}

describe('stall detection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports the request the worker is busy with, not the queries queued behind it', async () => {
    const client = new SimClient(() => new SilentWorker() as unknown as Worker);
    client.stallMs = 1000;
    const stalls: Request[] = [];
    client.onStall = (r) => stalls.push(r);
    void client.request({ type: 'exec', line: 'sleep 1', whole: true } as Request);
    void client.request({ type: 'query', query: { kind: 'timeline' } } as Request);
    await vi.advanceTimersByTimeAsync(3000);
    expect(stalls.map((r) => r.type)).toEqual(['exec']);
  });
});
