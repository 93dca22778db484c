import { describe, expect, it } from 'vitest';
import talk from '../../scenarios/talk-web-server.sim?raw';
import chain2Miss from '../../scenarios/hw/ct-hit-chain2-miss.sim?raw';
import vxlanMiss from '../../scenarios/hw/vxlan-decap-miss.sim?raw';
import nat from '../../scenarios/tests/nat.sim?raw';
import { runScenario } from '../motion/fixture';
import { journeySteps } from './steps';

const script = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('> ') && !l.startsWith('#!'))
    .join('\n');

describe('journeySteps', () => {
  const talkRun = runScenario(script(talk));

  it('a miss in chain 2 names the mechanism and the restored ct_state, then software resumes at chain 2', () => {
    const steps = journeySteps(runScenario(script(chain2Miss)).journeys.get(7)!);
    const miss = steps.find((s) => s.tone === 'miss' && s.what.startsWith('hardware miss'))!;
    expect(miss).toMatchObject({
      place: 'NIC chain 2 table → uplink',
      what: 'hardware miss (no offloaded rule matches); restored: the chain, ct_state +trk+est, zone 1',
      meta: 'chain 2 · ct_state +trk+est · zone 1',
    });
    expect(miss.mechanism).toBe('mlx5: chain 2 miss, software resumes at chain 2 on uplink with ct_state restored — mlx5e_tc_update_skb sets tc_skb_ext.chain');
    const resumed = steps[steps.indexOf(miss) + 2];
    expect(resumed).toMatchObject({ place: 'uplink ingress chain 2', what: 'classification resumes at chain 2' });
    // The +trk+new rule is passed over for its ct_state key, then +trk+est matches.
    expect(steps.find((s) => s.failed?.length)).toMatchObject({ place: 'uplink chain 2 pref 1 handle 0x1', failed: ['ct_state'] });
  });

  it('a drop ends with its reason and the verdict', () => {
    const steps = journeySteps(talkRun.journeys.get(10)!);
    expect(steps.find((s) => s.verdict === 'dropped')).toMatchObject({ place: 'rep0', what: 'dropped: tc ingress on rep0 returned drop', tone: 'drop' });
  });

  it('a flowtable hit names the fast path', () => {
    const all = [...talkRun.journeys.values()].flatMap((j) => journeySteps(j));
    expect(all.find((s) => s.place === 'flowtable zone 1' && s.what.startsWith('hit'))?.mechanism).toBe('act_ct: flowtable hit, conntrack bypassed — tcf_ct_flow_table_lookup');
  });

  it('uses the page’s rule text for a matched filter', () => {
    const steps = journeySteps(talkRun.journeys.get(1)!, (dev, chain, prio) => (dev === 'uplink' && chain === 2 && prio === 1 ? 'ct_state +trk+new → ct commit zone 1' : undefined));
    expect(steps.find((s) => s.place === 'uplink chain 2 pref 1 handle 0x1')?.what).toBe('matched: ct_state +trk+new → ct commit zone 1');
  });

  it('VXLAN: the tunnel is in the metadata and the miss restores it', () => {
    const steps = journeySteps(runScenario(script(vxlanMiss)).journeys.get(1)!);
    expect(steps.find((s) => s.what.startsWith('hardware miss'))).toMatchObject({ what: 'hardware miss (connection not in the CT table); restored: the chain, tunnel info (id 100)' });
    expect(steps.find((s) => s.place === 'vxlan0 ingress chain 0')?.meta).toContain('tunnel vni 100 192.0.2.1 → 192.0.2.2');
  });

  it('NAT shows before and after', () => {
    const steps = journeySteps(runScenario(script(nat)).journeys.get(2)!);
    expect(steps.find((s) => s.nat)).toMatchObject({ what: 'source NAT', nat: '10.0.0.2:2000 > 192.0.2.10:80 → 198.51.100.1:2001 > 192.0.2.10:80' });
  });
});
