// Micro-comparison of the IPv4 hot paths (not committed): min of rounds, packets per second.
import { Simulator } from './src/engine/simulator';
import { DEFAULT_TRAFFIC, TrafficGenerator } from './src/engine/traffic/generator';
const RULES = (skip: string) => `
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ${skip} ip_proto tcp dst_port 80 ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ${skip} ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ${skip} ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ${skip} ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ${skip} ct_state +trk+est action mirred egress redirect dev uplink
sim nic-insert-rate 0
`;
function run(skip: string, ttl: number): number {
  const sim = new Simulator();
  const r = sim.run(RULES(skip));
  if (r.error) throw new Error(r.error.message);
  const conns = 20000;
  const gen = new TrafficGenerator(sim, { ...DEFAULT_TRAFFIC, dev: 'uplink', replyDev: 'rep0', conns, rate: 1e6, flowSize: { kind: 'fixed', segments: 1e9 }, order: 'random', ttl } as never);
  gen.send(conns * 4);
  sim.advanceTo(sim.env.now() + 2_000_000);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    gen.send(200_000);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return Math.round(200_000 / (best / 1e9));
}
const out = { hw: run('', 64), fastpath: run('skip_hw', 64), conntrack: run('skip_hw', 1) };
console.log(JSON.stringify(out));
