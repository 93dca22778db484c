/**
 * The talk's rule set (§3, §7) as script lines, for the benchmark and tests that drive traffic
 * through it: chain 0 sends untracked HTTP to conntrack in zone 1 and on to chain 2, where new
 * connections are committed and established ones forwarded (uplink ↔ rep0). `skip_hw` keeps
 * every filter in software.
 */
export function talkRules(flags: '' | 'skip_hw'): string {
  const f = flags ? `flower ${flags}` : 'flower';
  return `
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip ${f} ip_proto tcp dst_port 80 ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip ${f} ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip ${f} ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip ${f} ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip ${f} ct_state +trk+est action mirred egress redirect dev uplink
tc filter add dev rep0 ingress prio 2 chain 2 proto ip ${f} ct_state +trk+new action drop
`;
}
