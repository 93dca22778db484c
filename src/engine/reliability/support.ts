/**
 * Shared by the reliability suites: run counts (short in CI, long on request), a setup script
 * that builds every kind of state, and the real command lines of tc-examples.txt made runnable.
 */
// A copy of the project's reference file (shared/reference/tc-examples.txt), so CI has it.
import EXAMPLES_TEXT from './tc-examples.txt?raw';

/**
 * fast-check runs for a property: `ciRuns` by default, or FUZZ_RUNS from the environment
 * (`FUZZ_RUNS=100000 npx vitest run src/engine/reliability`) for a long local session.
 */
export function fuzzRuns(ciRuns: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciRuns;
}

/** Test timeout that grows with the run count so the long mode is not cut short. */
export function fuzzTimeout(ciRuns: number, ciMs: number): number {
  return Math.max(ciMs, Math.ceil((ciMs * fuzzRuns(ciRuns)) / ciRuns));
}

/**
 * A setup touching every part of the state: an ingress qdisc and a clsact one, filters in
 * several chains and prios with ct (zones 1 and 2, NAT, commit with mark), goto, mirred, pedit,
 * csum and tunnel_key actions, an explicit empty chain, standalone and bound actions, extra
 * devices, sysctls, live and offloaded connections, and pending timers.
 */
export const SETUP = `sim seed 7
ip link add vxlan0 type vxlan id 42 dstport 4789 local 1.1.1.1 remote 2.2.2.2
ip link add veth0 type veth peer name veth1
sysctl -w net.netfilter.nf_conntrack_acct=1
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 clsact
tc actions add action ct zone 2 commit mark 0xbb index 40
tc actions add action gact drop index 7
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 3 chain 0 proto ip flower ip_proto udp action ct zone 2 commit nat src addr 5.5.5.7 pipe action mirred egress redirect dev rep1
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink
tc filter add dev rep0 ingress prio 2 chain 2 proto ip flower ct_state +trk+new action drop
tc filter add dev rep0 egress prio 5 proto ip flower ip_proto udp action pedit ex munge udp dport set 5001 pipe action csum ip udp pipe action ct index 40
tc qdisc add dev rep1 ingress
tc qdisc add dev veth0 ingress
tc filter add dev rep1 ingress prio 1 proto ip flower action tunnel_key set src_ip 1.1.1.1 dst_ip 2.2.2.2 id 5 action mirred egress redirect dev vxlan0
tc filter add dev rep1 ingress prio 2 proto ip flower action gact index 7
tc chain add dev rep1 ingress chain 9
connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 3 close none
connect dev uplink tcp 192.0.2.11:40001 > 10.0.0.1:80 data 1 close fin
send dev uplink udp 192.0.2.12:53 > 10.0.0.2:53 count 3 interval 0.5
send dev rep0 tcp 10.0.0.1:5555 > 192.0.2.10:22 flags S
sleep 2
`;

/** Device names the examples' shell variables and interface names stand for. */
const DEVICE_NAMES: Record<string, string> = {
  $DEV: 'rep0',
  $DEV1: 'rep0',
  $DEV2: 'rep1',
  $REP: 'rep2',
  $REP2: 'rep3',
  $h1: 'veth0',
  eth0: 'uplink',
  eth1: 'rep0',
  ens1f0_0: 'rep0',
  ens1f0_1: 'rep1',
  enp8s0f0_0: 'rep2',
  enp8s0f0_1: 'rep3',
  gre_sys: 'vxlan0',
};

/** The other shell variables, given values of the kind the recipes use. */
const OTHER_VARIABLES: Record<string, string> = {
  $TC: 'tc',
  $tcflags: 'skip_hw',
  $flag: 'skip_hw',
  $flag2: '',
  $tc_verbose: 'verbose',
  $mac1: '00:11:22:33:44:55',
  $mac2: '00:11:22:33:44:66',
  $IP2: '10.0.0.2',
};

/** Every command line of tc-examples.txt, variables and interface names replaced by real ones. */
export function exampleCommands(): string[] {
  const names = { ...DEVICE_NAMES, ...OTHER_VARIABLES };
  // Longest first, so that $DEV2 is not read as $DEV followed by "2".
  const keys = Object.keys(names).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(keys.map((k) => k.replace(/\$/g, '\\$')).join('|'), 'g');
  return EXAMPLES_TEXT
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(pattern, (k) => names[k]).replace(/ {2,}/g, ' '));
}
