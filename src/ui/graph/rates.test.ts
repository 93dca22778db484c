import { describe, expect, it } from 'vitest';
import { ratesOf } from './rates';

describe('ratesOf', () => {
  it('turns bucket counts into packets per virtual second and puts each class on its edges', () => {
    const r = ratesOf([
      { t0: 0, t1: 500_000, counts: [10, 200, 5, 1] },
      { t0: 500_000, t1: 1_000_000, counts: [10, 200, 5, 1] },
    ]);
    expect([r.software, r.hardware, r.miss, r.dropped]).toEqual([20, 400, 10, 2]);
    expect(r.of({ id: '', source: 'port:uplink', target: 'hw:uplink:0', kind: 'in' })).toBe(410);
    expect(r.of({ id: '', source: 'port:uplink', target: 'sw:uplink:ingress:0', kind: 'in' })).toBe(20);
    expect(r.of({ id: '', source: 'hw:uplink:0', target: 'sw:uplink:ingress:0', kind: 'miss' })).toBe(10);
    expect(r.of({ id: '', source: 'sw:uplink:ingress:2', target: 'end:vm0', kind: 'out' })).toBe(30);
  });

  it('is zero when no virtual time passed', () => {
    expect(ratesOf([{ t0: 5, t1: 5, counts: [3, 3, 3, 3] }]).hardware).toBe(0);
  });
});
