import { describe, expect, it } from 'vitest';
import talk from '../../scenarios/talk-web-server.sim?raw';
import { layoutPipeline } from '../graph/layout';
import { runScenario } from './fixture';
import { dotAt, flightsOf, Geometry, newlyReached } from './flights';

const script = talk
  .split('\n')
  .filter((l) => !l.startsWith('> '))
  .join('\n');

describe('flights', () => {
  const { journeys, pipeline } = runScenario(script);
  const geo = new Geometry(layoutPipeline(pipeline));
  const events = (pkts: number[]) => pkts.flatMap((p) => journeys.get(p)!);

  it('a packet’s dot visits its hops in order and ends on the VM', () => {
    const [f] = flightsOf(events([12]), geo, 1000, 1200, 100);
    expect(f.points.map((p) => p.hop.node)).toEqual(['port:uplink', 'hw:uplink:0', 'hwct', 'hw:uplink:2', 'end:vm0']);
    expect(f.dur).toBe(1020);
    const end = dotAt(f, f.t0 + f.dur, false)!;
    expect([end.x, end.y]).toEqual([f.points[4].x, f.points[4].y]);
    expect(end.hw).toBe(true);
    expect(dotAt(f, f.t0 - 1, false)).toBeNull();
    expect(dotAt(f, f.t0 + f.dur + f.linger + 1, false)).toBeNull();
  });

  it('reduced motion puts the dot on its hops, never between them', () => {
    const [f] = flightsOf(events([1]), geo, 0, 1200, 100);
    for (let t = 0; t <= f.dur; t += 7) {
      const d = dotAt(f, t, true)!;
      expect(f.points.some((p) => p.x === d.x && p.y === d.y)).toBe(true);
    }
  });

  it('a miss carries its restore badge from the resume on, and the fall takes longer than a hop', () => {
    const [f] = flightsOf(events([1]), geo, 0, 1200, 100);
    const resume = f.points.findIndex((p) => p.hop.kind === 'resume');
    expect(f.at[resume] - f.at[resume - 1]).toBeGreaterThan(f.at[resume + 1] - f.at[resume]);
    expect(dotAt(f, f.at[resume] * f.dur + 1, true)!.badge).toBe('restored: chain 0');
    expect(dotAt(f, f.at[resume - 1] * f.dur + 1, true)!.badge).toBeUndefined();
  });

  it('reports each hop once as it is reached (the rows to light)', () => {
    const [f] = flightsOf(events([10]), geo, 0, 1200, 100);
    expect(newlyReached(f, 0).map((p) => p.hop.kind)).toEqual(['inject']);
    const rest = newlyReached(f, f.dur);
    expect(rest.map((p) => p.hop.kind).at(-1)).toBe('drop');
    expect(newlyReached(f, f.dur + 10)).toEqual([]);
    // A drop stays on screen, where it happened.
    const d = dotAt(f, f.dur + 1000, false)!;
    expect(d.dropped).toBe(true);
    expect(d.hop.reason).toBe('tc ingress on rep0 returned drop');
  });

  it('spreads a batch of packets over the window and keeps at most maxDots', () => {
    const fl = flightsOf(events([1, 2, 3, 4, 5]), geo, 0, 1000, 3);
    expect(fl.map((f) => f.pkt)).toEqual([3, 4, 5]);
    expect(fl.map((f) => Math.round(f.t0))).toEqual([0, 117, 233]);
    // Both directions of the connection have the same colour.
    expect(new Set(fl.map((f) => f.hue)).size).toBe(1);
  });
});
