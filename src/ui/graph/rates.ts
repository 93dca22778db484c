/**
 * Fast-forward: packets per second of virtual time by path class, from the batch's buckets,
 * and which edges carry which classes (hardware ones the NIC's, software ones the kernel's,
 * the miss edges the packets that fell from one to the other).
 */
import type { PathBucket } from '../../worker/protocol';
import type { LaidEdge } from './layout';

export interface Rates {
  software: number;
  hardware: number;
  miss: number;
  dropped: number;
  /** Packets per second along an edge of the graph. */
  of(e: LaidEdge): number;
}

export function ratesOf(buckets: readonly PathBucket[]): Rates {
  const c = [0, 0, 0, 0];
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const b of buckets) {
    for (let i = 0; i < 4; i++) c[i] += b.counts[i];
    t0 = Math.min(t0, b.t0);
    t1 = Math.max(t1, b.t1);
  }
  const secs = t1 > t0 ? (t1 - t0) / 1e6 : 0;
  const [software, hardware, miss, dropped] = secs ? c.map((n) => n / secs) : [0, 0, 0, 0];
  return {
    software,
    hardware,
    miss,
    dropped,
    of(e) {
      const hwSide = e.source.startsWith('hw') || e.target.startsWith('hw');
      switch (e.kind) {
        case 'miss':
          return miss;
        case 'in':
          return hwSide ? hardware + miss : software;
        case 'ct':
        case 'goto':
          return hwSide ? hardware + miss : software + miss;
        case 'out':
          return hwSide ? hardware : software + miss;
      }
    },
  };
}
