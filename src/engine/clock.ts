/**
 * Virtual time. The engine never reads the wall clock: every timestamp is a count of
 * microseconds since the scenario started, advanced only by `sleep` (or by the packet
 * scheduler), and timers fire in (time, insertion sequence) order so the same scenario always
 * produces the same trace.
 */

/** Virtual time in integer microseconds. */
export type Micros = number;

export const US_PER_SEC = 1_000_000;
export const seconds = (s: number): Micros => Math.round(s * US_PER_SEC);
/** Whole seconds remaining, rounded down as the kernel prints `nf_ct_expires(ct) / HZ`. */
export const wholeSeconds = (us: Micros): number => Math.floor(us / US_PER_SEC);

export interface TimerHandle {
  readonly id: number;
}

interface Timer {
  at: Micros;
  seq: number;
  id: number;
  name: string;
  fn: () => void;
  cancelled: boolean;
}

/** A binary min-heap of timers ordered by time, then by the order they were armed. */
export class Clock {
  private nowUs: Micros = 0;
  private seq = 0;
  private heap: Timer[] = [];
  private byId = new Map<number, Timer>();

  now(): Micros {
    return this.nowUs;
  }

  /** Arms a one-shot timer `delay` µs from now. `name` is what the trace shows when it fires. */
  after(delay: Micros, name: string, fn: () => void): TimerHandle {
    return this.at(this.nowUs + Math.max(0, delay), name, fn);
  }

  at(when: Micros, name: string, fn: () => void): TimerHandle {
    const t: Timer = { at: when, seq: this.seq, id: this.seq, name, fn, cancelled: false };
    this.seq++;
    this.push(t);
    this.byId.set(t.id, t);
    return { id: t.id };
  }

  cancel(h: TimerHandle | undefined): void {
    if (!h) return;
    const t = this.byId.get(h.id);
    if (t) {
      t.cancelled = true;
      this.byId.delete(h.id);
    }
  }

  /** Time of the next pending timer, or Infinity. */
  nextAt(): Micros {
    this.dropCancelledTop();
    return this.heap.length ? this.heap[0].at : Infinity;
  }

  /**
   * Advances virtual time to `until`, firing every timer due on the way, in order. A timer
   * callback may arm more timers; those due before `until` fire in the same call.
   * `onFire` lets the caller trace each timer before it runs.
   */
  advanceTo(until: Micros, onFire?: (name: string, at: Micros) => void): void {
    for (;;) {
      this.dropCancelledTop();
      const top = this.heap[0];
      if (!top || top.at > until) break;
      this.pop();
      this.byId.delete(top.id);
      if (top.at > this.nowUs) this.nowUs = top.at;
      onFire?.(top.name, top.at);
      top.fn();
    }
    if (until > this.nowUs) this.nowUs = until;
  }

  pendingCount(): number {
    return this.byId.size;
  }

  private dropCancelledTop(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
