/**
 * A bounded event log for consumers that keep events (a trace panel, a replay buffer): the
 * newest `capacity` events are kept in a ring; older ones fall out and are remembered only as
 * a count per kind, so a flood of a million packets costs a fixed amount of memory.
 */
import type { SimEvent, SimEventKind } from './events';

export const DEFAULT_EVENT_LOG_CAPACITY = 100_000;

export class EventLog {
  private readonly ring: (SimEvent | undefined)[];
  /** Index of the oldest kept event. */
  private head = 0;
  private kept = 0;
  private readonly droppedByKind = new Map<SimEventKind, number>();
  private droppedCount = 0;

  constructor(readonly capacity = DEFAULT_EVENT_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`event log capacity must be a positive integer, got ${capacity}`);
    this.ring = new Array<SimEvent | undefined>(capacity);
  }

  /** Pass to `Simulator.subscribe`. */
  readonly listener = (e: SimEvent): void => {
    this.push(e);
  };

  push(e: SimEvent): void {
    if (this.kept < this.capacity) {
      this.ring[(this.head + this.kept++) % this.capacity] = e;
      return;
    }
    const oldest = this.ring[this.head]!;
    this.droppedByKind.set(oldest.kind, (this.droppedByKind.get(oldest.kind) ?? 0) + 1);
    this.droppedCount++;
    this.ring[this.head] = e;
    this.head = (this.head + 1) % this.capacity;
  }

  /** Events kept, oldest first. */
  get size(): number {
    return this.kept;
  }

  /** Events that fell out of the log so far. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** The kept events, oldest first. */
  events(): SimEvent[] {
    const out: SimEvent[] = [];
    for (let i = 0; i < this.kept; i++) out.push(this.ring[(this.head + i) % this.capacity]!);
    return out;
  }

  /** How many events of each kind fell out, in kind order. */
  droppedSummary(): [SimEventKind, number][] {
    return [...this.droppedByKind.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  /** One line for a UI or CLI: `1234 older events not kept (packet.inject 100, tc.filter 1134)`. */
  droppedText(): string {
    if (this.droppedCount === 0) return '';
    return `${this.droppedCount} older events not kept (${this.droppedSummary().map(([k, n]) => `${k} ${n}`).join(', ')})`;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.kept = 0;
    this.droppedByKind.clear();
    this.droppedCount = 0;
  }
}
