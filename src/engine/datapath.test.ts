import { describe, expect, it } from 'vitest';
import type { SimEvent } from './events';
import { Simulator } from './simulator';

function outcomes(script: string): SimEvent[] {
  const sim = new Simulator();
  const events: SimEvent[] = [];
  sim.subscribe((e) => {
    if (e.kind === 'packet.deliver' || e.kind === 'packet.drop' || e.kind === 'packet.decap') events.push(e);
  });
  expect(sim.run(script).error).toBeUndefined();
  return events;
}

describe('host datapath', () => {
  it('a VXLAN device decapsulates its VNI; another VNI on its port is dropped (vxlan_vs_find_vni)', () => {
    const ev = outcomes(`ip link add vxlan0 type vxlan id 100 dstport 4789
send dev uplink vxlan vni 100 src 192.0.2.1 dst 192.0.2.2 udp 172.16.0.1:1000 > 10.0.0.1:53
send dev uplink vxlan vni 200 src 192.0.2.1 dst 192.0.2.2 udp 172.16.0.1:1000 > 10.0.0.1:53
send dev uplink vxlan vni 200 src 192.0.2.1 dst 192.0.2.2 dport 4790 udp 172.16.0.1:1000 > 10.0.0.1:53`);
    const what = (e: SimEvent): string =>
      e.kind === 'packet.drop' ? e.reason : e.kind === 'packet.deliver' ? `${e.to} ${e.dev}` : e.kind === 'packet.decap' ? e.dev : e.kind;
    expect(ev.map((e) => [e.kind, e.pkt, what(e)])).toEqual([
      ['packet.decap', 1, 'vxlan0'],
      ['packet.deliver', 1, 'host vxlan0'],
      ['packet.drop', 2, 'vxlan: no device for VNI 200 on UDP port 4789'],
      // No VXLAN socket on 4790: plain UDP to the host.
      ['packet.deliver', 3, 'host uplink'],
    ]);
  });

  it('drops a redirect loop at mirred nesting level 4 (MIRRED_NEST_LIMIT)', () => {
    const ev = outcomes(`ip link add veth0 type veth peer name veth1
tc qdisc add dev veth1 ingress
tc filter add dev veth1 ingress proto ip flower skip_hw action mirred egress redirect dev veth0
send dev veth1 udp 1.1.1.1:1 > 2.2.2.2:2`);
    expect(ev).toEqual([
      expect.objectContaining({ kind: 'packet.drop', pkt: 1, dev: 'veth0', reason: 'mirred nesting deeper than 4 (MIRRED_NEST_LIMIT)' }),
    ]);
  });
});
