import { describe, expect, it } from 'vitest';
import { CtInfo } from '../model/packet';
import { harness, udpPacket } from './test-helpers';

const N = 200_000;

describe('scale', () => {
  it(`inserts, looks up and expires ${N} entries in typed arrays`, () => {
    const h = harness({ listen: false });
    h.sysctl('net.netfilter.nf_conntrack_max', 0);
    const ct = h.ct;
    // One packet object, rewritten for every flow: the table must not need per-packet objects.
    const p = udpPacket('10.0.0.1', '10.1.0.1', 1, 53);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < N; i++) {
      p.src = 0x0a000000 + (i >>> 16);
      p.sport = i & 0xffff;
      ct.in(p, i & 7);
      ct.commit(p, undefined, undefined);
      ct.releaseSkb(p);
    }
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(ct.count()).toBe(N);
    expect(ct.store.capacity).toBe(262144);
    // ~133 bytes per entry of capacity, all in typed arrays (off the JS heap): the 64-byte
    // entry record (the flowtable flow's fields included), two 32-byte node records, hash heads.
    expect(ct.memoryBytes() / ct.store.capacity).toBeLessThanOrEqual(134);
    expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);

    const r = udpPacket('10.1.0.1', '10.0.0.1', 53, 1);
    let replies = 0;
    for (let i = 0; i < N; i++) {
      r.dst = 0x0a000000 + (i >>> 16);
      r.dport = i & 0xffff;
      ct.in(r, i & 7);
      if (r.meta.ctinfo === CtInfo.ESTABLISHED_REPLY) replies++;
      ct.releaseSkb(r);
    }
    expect(replies).toBe(N);

    h.sleep(30);
    expect(ct.count()).toBe(0);
    expect(ct.store.used).toBe(0);
    expect(ct.gcTimerSecond()).toBe(-1);
  });
});
