import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../engine/simulator';
import { pipelineView, splitFilterText } from './pipeline';

const TALK = readFileSync(new URL('../scenarios/talk-web-server.sim', import.meta.url), 'utf8');
/** The talk's rules, without its traffic. */
const TALK_RULES = TALK.split('\n').filter((l) => !/^(connect|send|sleep|conntrack|tc -s|sim show)/.test(l)).join('\n');

describe('pipelineView', () => {
  it("gives the talk's devices, chains, filters with in_hw, zones and the CT table", () => {
    const sim = new Simulator({ seed: 1 });
    sim.run(TALK_RULES);
    const p = pipelineView(sim);
    expect(p.devices.map((d) => d.name)).toEqual(['uplink', 'rep0', 'rep1', 'rep2', 'rep3']);
    expect(p.devices[1]).toEqual({ name: 'rep0', kind: 'rep', vm: 'vm0', hwTcOffload: true, onNic: true });
    expect(p.hooks.map((h) => `${h.dev} ${h.hook} ${h.chains.map((c) => c.index).join(',')}`)).toEqual(['uplink ingress 0,2', 'rep0 ingress 0,2']);
    const uplink = p.hooks[0];
    expect(uplink.chains[0].filters[0]).toMatchObject({
      prio: 1,
      match: 'ip_proto tcp dst_port 80 ct_state -trk',
      actions: ['ct zone 1 pipe', 'gact action goto chain 2'],
      gotos: [2],
      zones: [1],
      inHw: true,
    });
    // The +trk+new rule is refused by the 5.7 driver; +trk+est is offloaded.
    expect(uplink.chains[1].filters.map((f) => [f.prio, f.inHw, f.redirects])).toEqual([
      [1, false, ['rep0']],
      [2, true, ['rep0']],
    ]);
    expect(p.zones).toEqual([1]);
    expect(p.flowtables).toEqual([{ zone: 1, flows: 0, rows: [], offloadedBy: ['mlx5_tc_ct_block_flow_offload'] }]);
    expect(p.hwCt.size).toBe(0);
    expect(p.hwCt.capacity).toBeGreaterThan(0);
    expect(p.ovs).toBe(false);
  });
});

describe('splitFilterText', () => {
  it('keeps the flower keys and the actions, not eth_type or in_hw', () => {
    const text = 'filter protocol ip pref 1 flower chain 0 handle 0x1 \n  eth_type ipv4\n  ip_proto tcp\n  skip_hw\n  not_in_hw\n\taction order 1: gact action drop\n\t random type none pass val 0\n';
    expect(splitFilterText(text)).toEqual({ match: 'ip_proto tcp', actions: ['gact action drop'] });
  });
});
