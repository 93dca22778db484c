/**
 * Memory probes. Engine tables are typed-array columns, which live outside the JS heap
 * (process.memoryUsage().arrayBuffers), so a table's footprint is heap plus array buffers.
 * Allocation is counted with v8.GCProfiler: bytes allocated = growth of the used heap plus
 * what every collection in between freed.
 */
import v8 from 'node:v8';

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether the process runs with --expose-gc (needed for settled memory readings). */
export const canCollect = gc !== undefined;

/** Heap plus array buffers in bytes, after full collections when they are available. */
export function settledBytes(): number {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export interface Allocation {
  bytes: number;
  collections: number;
}

/** Bytes allocated on the JS heap while `fn` ran, and how many collections ran meanwhile. */
export function allocationDuring(fn: () => void): Allocation {
  if (gc) gc();
  const profiler = new v8.GCProfiler();
  const before = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  fn();
  const after = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  for (const s of report?.statistics ?? []) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  }
  return { bytes: after - before + freed, collections: report?.statistics.length ?? 0 };
}
