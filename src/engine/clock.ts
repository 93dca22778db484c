/**
 * Virtual time. The engine never reads the wall clock: every timestamp is a count of
 * microseconds since the scenario started, advanced only by `sleep` (or by the packet
 * scheduler), and timers fire in (time, insertion sequence) order so the same scenario always
 * produces the same trace.
 */
import { NumberHeap } from './heap';

/** Virtual time in integer microseconds. */
export type Micros = number;

export const US_PER_SEC = 1_000_000;
export const seconds = (s: number): Micros => Math.round(s * US_PER_SEC);
/** Whole seconds remaining, rounded down as the kernel prints `nf_ct_expires(ct) / HZ`. */
export const wholeSeconds = (us: Micros): number => Math.floor(us / US_PER_SEC);

/**
 * A timer's handle: its slot plus a generation, so cancelling a timer that already fired (and
 * whose slot was reused) does nothing. A plain number, so arming a timer allocates nothing.
 */
export type TimerHandle = number;
export const NO_TIMER: TimerHandle = -1;

/**
 * What a timer runs: an engine object's `onTimer`, given back the number it was armed with
 * (which of its timers fired). An object and a number rather than a closure, so that the
 * timer heap holds no state a copy cannot re-bind: fork.ts maps the owner to its copy.
 */
export interface TimerOwner {
  onTimer(arg: number): void;
}

/** Slots per generation step in a handle (handle = generation * SLOT_SPAN + slot). */
const SLOT_SPAN = 2 ** 24;
const INITIAL_SLOTS = 64;

/**
 * A binary min-heap of timers ordered by time, then by the order they were armed. Timers live
 * in slot columns reused through a free list: flowtable refreshes arm work timers on the
 * packet path, so a timer must not cost an object.
 */
export class Clock {
  private nowUs: Micros = 0;
  private seq = 0;
  private live = 0;
  // Per slot.
  private atOf = new Float64Array(INITIAL_SLOTS);
  private seqOf = new Float64Array(INITIAL_SLOTS);
  private genOf = new Float64Array(INITIAL_SLOTS);
  private armed = new Uint8Array(INITIAL_SLOTS);
  private argOf = new Float64Array(INITIAL_SLOTS);
  private ownerOf: (TimerOwner | null)[] = new Array(INITIAL_SLOTS).fill(null);
  private nameOf: string[] = new Array(INITIAL_SLOTS).fill('');
  private free: number[] = [];
  private slots = 0;
  /** Slots by (time, sequence); cancelled ones stay until they reach the top. */
  private readonly heap = new NumberHeap((a, b) => this.atOf[a] < this.atOf[b] || (this.atOf[a] === this.atOf[b] && this.seqOf[a] < this.seqOf[b]));

  now(): Micros {
    return this.nowUs;
  }

  /**
   * Arms a one-shot timer `delay` µs from now: `owner.onTimer(arg)` runs when it fires. `name`
   * is what the trace shows then.
   */
  after(delay: Micros, name: string, owner: TimerOwner, arg = 0): TimerHandle {
    return this.at(this.nowUs + Math.max(0, delay), name, owner, arg);
  }

  at(when: Micros, name: string, owner: TimerOwner, arg = 0): TimerHandle {
    const slot = this.arm(when, name, owner, arg);
    return this.genOf[slot] * SLOT_SPAN + slot;
  }

  /**
   * A timer that is never cancelled (no handle): for timers armed on the packet path, since a
   * handle above 2^31 is a double, boxed when returned from a call the compiler did not inline.
   */
  schedule(when: Micros, name: string, owner: TimerOwner, arg = 0): void {
    this.arm(when, name, owner, arg);
  }

  cancel(h: TimerHandle | undefined): void {
    if (h === undefined || h < 0) return;
    const slot = h % SLOT_SPAN;
    if (slot >= this.slots || this.genOf[slot] !== Math.floor(h / SLOT_SPAN) || !this.armed[slot]) return;
    this.armed[slot] = 0;
    this.ownerOf[slot] = null;
    this.live--;
  }

  /** Time of the next pending timer, or Infinity. */
  nextAt(): Micros {
    this.dropCancelledTop();
    return this.heap.size ? this.atOf[this.heap.peek()] : Infinity;
  }

  /**
   * Advances virtual time to `until`, firing every timer due on the way, in order. A timer
   * callback may arm more timers; those due before `until` fire in the same call.
   * `onFire` lets the caller trace each timer before it runs.
   */
  advanceTo(until: Micros, onFire?: (name: string, at: Micros) => void): void {
    while (this.fireNext(until, onFire));
    if (until > this.nowUs) this.nowUs = until;
  }

  /**
   * Fires the next timer if it is due by `until` (moving time to it) and returns true; returns
   * false, leaving time alone, when none is. A stepper fires timers one at a time with this.
   */
  fireNext(until: Micros, onFire?: (name: string, at: Micros) => void): boolean {
    this.dropCancelledTop();
    if (this.heap.size === 0) return false;
    const slot = this.heap.peek();
    const at = this.atOf[slot];
    if (at > until) return false;
    this.heap.pop();
    const owner = this.ownerOf[slot]!;
    const arg = this.argOf[slot];
    const name = this.nameOf[slot];
    this.release(slot);
    if (at > this.nowUs) this.nowUs = at;
    onFire?.(name, at);
    owner.onTimer(arg);
    return true;
  }

  pendingCount(): number {
    return this.live;
  }

  private arm(when: Micros, name: string, owner: TimerOwner, arg: number): number {
    const slot = this.free.length ? this.free.pop()! : this.newSlot();
    this.atOf[slot] = when;
    this.seqOf[slot] = this.seq++;
    this.ownerOf[slot] = owner;
    this.argOf[slot] = arg;
    this.nameOf[slot] = name;
    this.armed[slot] = 1;
    this.live++;
    this.heap.push(slot);
    return slot;
  }

  private newSlot(): number {
    if (this.slots === this.atOf.length) this.growSlots(this.slots * 2);
    return this.slots++;
  }

  /** A fired or cancelled timer's slot goes back to the free list with a new generation. */
  private release(slot: number): void {
    if (this.armed[slot]) this.live--;
    this.armed[slot] = 0;
    this.ownerOf[slot] = null;
    this.genOf[slot]++;
    this.free.push(slot);
  }

  private dropCancelledTop(): void {
    while (this.heap.size && !this.armed[this.heap.peek()]) this.release(this.heap.pop());
  }

  private growSlots(n: number): void {
    const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(n);
      next.set(a);
      return next;
    };
    this.atOf = grow(this.atOf);
    this.seqOf = grow(this.seqOf);
    this.genOf = grow(this.genOf);
    this.argOf = grow(this.argOf);
    this.armed = grow(this.armed);
    for (let i = this.ownerOf.length; i < n; i++) {
      this.ownerOf.push(null);
      this.nameOf.push('');
    }
  }
}
