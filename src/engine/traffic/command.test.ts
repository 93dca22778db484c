import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../events';
import { talkRules } from '../../scenarios/talk-rules';
import { Simulator } from '../simulator';

const POLICY = talkRules('');

describe('the traffic command', () => {
  it('sends rate × duration packets through the datapath, each ending once, in virtual time', () => {
    const sim = new Simulator();
    let injected = 0;
    let ended = 0;
    sim.subscribe((e: SimEvent) => {
      if (e.kind === 'packet.inject') injected++;
      if (e.kind === 'packet.deliver' || e.kind === 'packet.drop') ended++;
    });
    const r = sim.run(`${POLICY}traffic dev uplink reply-dev rep0 conns 200 rate 10000 duration 1.5 flow-size fixed 3\nconntrack -C`);
    expect(r.error).toBeUndefined();
    expect(injected).toBe(15_000);
    expect(ended).toBe(15_000);
    expect(sim.env.now()).toBeGreaterThanOrEqual(1_499_900);
    expect(sim.env.now()).toBeLessThanOrEqual(1_500_000);
    // Every generated connection was committed: the table holds at least the 200 open ones.
    expect(Number(r.outputs[0])).toBeGreaterThanOrEqual(200);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => new Simulator({ seed }).run(`${POLICY}traffic dev uplink reply-dev rep0 conns 50 rate 1000 duration 1\nconntrack -L`).outputs.join('');
    expect(run(3)).toBe(run(3));
    expect(run(3)).not.toBe(run(4));
  });

  it('refuses an unknown device at its position', () => {
    expect(new Simulator().run('traffic dev uplink reply-dev nosuch conns 1 rate 1 duration 1').error).toEqual({ line: 1, col: 30, message: 'Cannot find device "nosuch"' });
  });
});
