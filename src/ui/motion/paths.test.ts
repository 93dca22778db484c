import { describe, expect, it } from 'vitest';
import talk from '../../scenarios/talk-web-server.sim?raw';
import chain2Miss from '../../scenarios/hw/ct-hit-chain2-miss.sim?raw';
import missToAction from '../../scenarios/hw/miss-to-action-6.12.sim?raw';
import vxlanMiss from '../../scenarios/hw/vxlan-decap-miss.sim?raw';
import nat from '../../scenarios/tests/nat.sim?raw';
import { PATH_NAMES } from '../../engine/path';
import { Simulator } from '../../engine/simulator';
import { classifyJourney } from '../../worker/packetlog';
import { runScenario } from './fixture';
import { connectionKey, hueOf, journeyHops, type Hop } from './paths';

/** A scenario file without its expected-output lines. */
const script = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('> ') && !l.startsWith('#!'))
    .join('\n');

const show = (hops: Hop[]) =>
  hops.map((h) => `${h.lane} ${h.kind} ${h.node}${h.row ? `#${h.row}` : ''}${h.missed ? ' missed' : ''}${h.badge ? ` [${h.badge}]` : ''}${h.reason ? ` (${h.reason})` : ''}`);

describe('journeyHops', () => {
  const talkRun = runScenario(script(talk));

  it('software: the SYN misses the CT table and runs in software, through conntrack, to the VM', () => {
    expect(show(journeyHops(talkRun.journeys.get(1)!))).toEqual([
      'sw inject port:uplink',
      'hw table hw:uplink:0#1:1',
      'hw miss hwct missed',
      'sw resume sw:uplink:ingress:0#1:1 [restored: chain 0]',
      'sw ft ft:1 missed',
      'sw ct conntrack',
      'sw filter sw:uplink:ingress:2#1:1',
      'sw deliver end:vm0',
    ]);
  });

  it('hardware: an established packet runs chain 0, the CT table and chain 2 in the NIC', () => {
    expect(show(journeyHops(talkRun.journeys.get(12)!))).toEqual([
      'sw inject port:uplink',
      'hw table hw:uplink:0#1:1',
      'hw table hwct',
      'hw table hw:uplink:2#2:1',
      'hw deliver end:vm0',
    ]);
  });

  it('drop: stops at the rule that dropped it, with the reason', () => {
    expect(show(journeyHops(talkRun.journeys.get(10)!)).slice(-2)).toEqual([
      'sw filter sw:rep0:ingress:2#2:1',
      'sw drop sw:rep0:ingress:2#2:1 (tc ingress on rep0 returned drop)',
    ]);
  });

  it('hardware miss in chain 2: software resumes at chain 2 with ct_state and zone restored', () => {
    const { journeys } = runScenario(script(chain2Miss));
    expect(show(journeyHops(journeys.get(7)!))).toEqual([
      'sw inject port:uplink',
      'hw table hw:uplink:0#1:1',
      'hw table hwct',
      'hw miss hw:uplink:2 missed',
      'sw resume sw:uplink:ingress:2#2:1 [restored: chain 2, ct_state +trk+est, zone 1]',
      'sw deliver end:vm0',
    ]);
  });

  it('6.12 miss to action: software resumes at the action after the one hardware ran', () => {
    const { journeys } = runScenario(script(missToAction));
    expect(show(journeyHops(journeys.get(1)!)).slice(1, 4)).toEqual([
      'hw table hw:rep0:0#1:1',
      'hw miss hwct missed',
      'sw resume sw:rep0:ingress:0#1:1 [restored: action: chain 0 pref 1 handle 0x1 action 3]',
    ]);
  });

  it('VXLAN: decap in hardware, then a CT miss restores the tunnel id on vxlan0', () => {
    const { journeys } = runScenario(script(vxlanMiss));
    expect(show(journeyHops(journeys.get(1)!)).slice(0, 5)).toEqual([
      'sw inject port:uplink',
      'hw table hw:vxlan0:0#1:1 [decap VXLAN vni 100 from 192.0.2.1]',
      'hw miss hwct missed',
      'sw resume sw:vxlan0:ingress:0#1:1 [restored: chain 0, tunnel id 100]',
      'sw ft ft:5 missed',
    ]);
  });

  it('NAT: the conntrack stop carries the translation', () => {
    const { journeys } = runScenario(script(nat));
    expect(show(journeyHops(journeys.get(1)!))).toEqual([
      'sw inject port:rep0',
      'sw arrive sw:rep0:ingress:0#1:1',
      'sw ct conntrack [NAT src: 10.0.0.1:2000 > 192.0.2.10:80 → 198.51.100.1:2000 > 192.0.2.10:80]',
      'sw arrive sw:uplink:egress:0#1:1',
      'sw deliver end:wire',
    ]);
  });
});

describe('path classification', () => {
  it("classifies the talk's packets as the engine counts them", () => {
    const sim = new Simulator({ seed: 1 });
    const { journeys } = runScenario(script(talk));
    sim.run(script(talk));
    const counts = Object.fromEntries(PATH_NAMES.map((n) => [n, 0]));
    for (const j of journeys.values()) counts[classifyJourney(j)]++;
    expect(counts).toEqual(Object.fromEntries(PATH_NAMES.map((n, i) => [n, sim.paths[i]])));
    expect(classifyJourney(journeys.get(1)!)).toBe('miss');
    expect(classifyJourney(journeys.get(12)!)).toBe('hardware');
    expect(classifyJourney(journeys.get(10)!)).toBe('dropped');
    expect(counts).toMatchObject({ hardware: 10, dropped: 2 });
  });

  it('a packet on a device without offload is software only', () => {
    const { journeys } = runScenario('ip link add veth0 type veth peer name veth1\ntc qdisc add dev veth0 ingress\ntc filter add dev veth0 ingress prio 1 proto ip flower action pass\nsend dev veth0 udp 10.0.0.1:1 > 10.0.0.2:2\n');
    expect(classifyJourney(journeys.get(1)!)).toBe('software');
  });
});

describe('connection colours', () => {
  it('gives both directions of a connection the same key, and different connections different hues', () => {
    const a = connectionKey('192.0.2.10.40000 > 10.0.0.1.80: tcp [S] seq 1 win 65535 length 0');
    expect(connectionKey('10.0.0.1.80 > 192.0.2.10.40000: tcp [S.] seq 2 ack 2 win 65535 length 0')).toBe(a);
    expect(connectionKey('192.0.2.1.60726 > 192.0.2.2.4789: VXLAN vni 100: 172.16.0.1.1000 > 10.0.0.1.80: tcp [S] seq 1000')).toBe('tcp 10.0.0.1.80 172.16.0.1.1000');
    expect(hueOf(a)).not.toBe(hueOf(connectionKey('10.0.0.1.5555 > 192.0.2.10.22: tcp [S]')));
  });
});
