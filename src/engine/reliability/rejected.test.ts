/**
 * A rejected line leaves the engine exactly as it was: for every kind of command the engine
 * refuses at run time, and for random bad lines after a valid setup, the state snapshot before
 * equals the one after, and the error points at the line.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../simulator';
import { snapshot } from '../snapshot';
import { anyBadLine } from './lines';
import { fuzzRuns, fuzzTimeout, SETUP } from './support';

function setUp(): Simulator {
  const sim = new Simulator();
  const r = sim.run(SETUP);
  if (r.error) throw new Error(`setup failed at ${r.error.line}:${r.error.col}: ${r.error.message}`);
  return sim;
}

/** Runs `line` after the setup; returns the error message, asserting the state did not change. */
function rejectUnchanged(line: string): string {
  const sim = setUp();
  const before = snapshot(sim);
  const r = sim.run(line);
  expect(r.error, `expected "${line}" to be rejected`).toBeDefined();
  expect(r.error!.line).toBe(1);
  expect(r.error!.col).toBeGreaterThanOrEqual(1);
  expect(snapshot(sim)).toBe(before);
  return r.error!.message;
}

/** tc filter, chain and actions add iproute2's closing line to the kernel's answer. */
const talk = (reply: string): string => `${reply}\nWe have an error talking to the kernel`;

const RUNTIME_REJECTIONS: [string, string, string][] = [
  ['unknown device in tc qdisc', 'tc qdisc add dev nosuch ingress', 'Cannot find device "nosuch"'],
  ['second ingress qdisc', 'tc qdisc add dev uplink ingress', 'Error: Exclusivity flag on, cannot modify.'],
  ['qdisc replace with another kind', 'tc qdisc replace dev uplink clsact', 'Error: Invalid qdisc name.'],
  ['qdisc del of a missing qdisc', 'tc qdisc del dev rep3 ingress', 'Error: Cannot find specified qdisc on specified device.'],
  ['filter without qdisc', 'tc filter add dev rep3 ingress prio 1 proto ip flower action drop', talk("Error: Parent Qdisc doesn't exists.")],
  ['filter on an unknown device', 'tc filter add dev nosuch ingress prio 1 proto ip flower action drop', 'Cannot find device "nosuch"'],
  ['redirect to an unknown device', 'tc filter add dev uplink ingress prio 9 proto ip flower action mirred egress redirect dev nosuch', 'Cannot find device "nosuch"'],
  ['duplicate handle', 'tc filter add dev uplink ingress prio 1 chain 0 handle 1 proto ip flower ip_proto tcp action drop', talk('Error: Filter already exists.')],
  ['same key and mask twice', 'tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action drop', talk('RTNETLINK answers: File exists')],
  ['replace with another mask', 'tc filter replace dev uplink ingress prio 1 chain 0 handle 1 proto ip flower ip_proto udp action drop', talk('RTNETLINK answers: Invalid argument')],
  ['prio taken by another protocol', 'tc filter add dev uplink ingress prio 1 proto arp flower action drop', talk('Error: Filter with specified priority/protocol not found.')],
  ['change of a missing filter', 'tc filter change dev uplink ingress prio 1 handle 9 proto ip flower ip_proto tcp action drop', talk('Error: Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter.')],
  // The goto takes a reference on chain 7 before the duplicate is found: it must be given back.
  ['failing filter with a goto to a new chain', 'tc filter add dev uplink ingress prio 1 chain 0 handle 1 proto ip flower ip_proto tcp ct_state -trk action ct zone 3 pipe action goto chain 7', talk('Error: Filter already exists.')],
  ['failing filter with a new ct zone', 'tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 5 commit pipe action goto chain 8', talk('RTNETLINK answers: File exists')],
  ['skip_hw with skip_sw', 'tc filter add dev uplink ingress prio 8 proto ip flower skip_hw skip_sw action drop', 'skip_hw and skip_sw are mutually exclusive'],
  // No driver takes a rule on a veth: with skip_sw that is a failure (fl_hw_replace_filter).
  ['skip_sw refused by hardware', 'tc filter add dev veth0 ingress prio 1 proto ip flower skip_sw action drop', talk('RTNETLINK answers: Invalid argument')],
  ['filter binding an index of another kind twice', 'tc filter add dev rep1 ingress prio 2 proto ip flower action gact index 7 action drop', talk('RTNETLINK answers: File exists')],
  ['delete of a missing filter', 'tc filter del dev uplink ingress prio 1 handle 9 flower', talk('Error: Specified filter handle not found.')],
  ['delete of a missing prio', 'tc filter del dev uplink ingress prio 77', talk('Error: Filter with specified priority/protocol not found.')],
  ['chain add of an existing chain', 'tc chain add dev rep1 ingress chain 9', talk('Error: Filter chain already exists.')],
  ['chain del of a goto-only chain', 'tc chain del dev uplink ingress chain 3', talk('Error: Cannot find specified filter chain.')],
  ['standalone action at a taken index', 'tc actions add action gact drop index 7', talk('RTNETLINK answers: File exists')],
  ['second of two standalone actions fails', 'tc actions add action gact pass index 70 action ct zone 9 commit index 40', talk('RTNETLINK answers: File exists')],
  ['standalone goto', 'tc actions add action gact goto chain 3 index 71', talk("Error: can't goto NULL proto/chain.")],
  ['deleting a bound action', 'tc actions del action gact index 1', talk('Error: Failed to delete TC action.')],
  ['deleting a missing action', 'tc actions del action gact index 99', talk('Error: TC action with specified index not found.')],
  ['flushing bound actions', 'tc actions flush action mirred', 'RTNETLINK answers: Operation not permitted\nWe have an error flushing'],
  ['existing link', 'ip link add vxlan0 type vxlan id 1 dstport 4789', 'RTNETLINK answers: File exists'],
  ['veth whose peer exists', 'ip link add vethX type veth peer name veth0', 'RTNETLINK answers: File exists'],
  ['deleting a NIC port', 'ip link del rep2', 'RTNETLINK answers: Operation not supported'],
  ['deleting a missing link', 'ip link del nosuch', 'Cannot find device "nosuch"'],
  ['ethtool on a missing device', 'ethtool -K nosuch hw-tc-offload on', 'Cannot get device feature names: No such device "nosuch"'],
  ['unknown sysctl', 'sysctl -w net.netfilter.nf_conntrack_nosuch=1', 'sysctl: cannot stat /proc/sys/net/netfilter/nf_conntrack_nosuch: No such file or directory'],
  ['sysctl out of range', 'sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=2', 'sysctl: setting key "net.netfilter.nf_conntrack_tcp_be_liberal": Invalid argument'],
  ['sysctl not a number', 'sysctl -w net.netfilter.nf_conntrack_max=lots', 'sysctl: setting key "net.netfilter.nf_conntrack_max": Invalid argument'],
  ['an expected failure that succeeds', '! sysctl -w net.netfilter.nf_conntrack_tcp_loose=1', 'expected this command to fail ("!"), but it succeeded'],
  ['bad sim key', 'sim speed 3', 'unknown setting "speed" (known: seed, profile, nic-capacity, nic-insert-rate, nic-latency-us, nic-fault-rate, hw-aging, ovs, offload-policy, nic-evict-idle, offload-queue-limit, port-speed, packet-size, sw-cost-ns, sw-cores)'],
  ['bad kernel profile', 'sim profile 4.19', 'unknown kernel profile "4.19": use 5.7, 5.8, 6.12 (the kernel to imitate; 5.8, the talk\'s, is the default)'],
  ['send on a missing device', 'send dev nosuch udp 1.1.1.1:1 > 2.2.2.2:2 count 5', 'Cannot find device "nosuch"'],
  ['connect on a missing device', 'connect dev nosuch tcp 1.1.1.1:1 > 2.2.2.2:2', 'Cannot find device "nosuch"'],
];

describe('rejected commands leave the state untouched', () => {
  it('the setup builds connections, flows and filters (so the snapshots have something to compare)', () => {
    const text = snapshot(setUp());
    // rep0 and the uplink offload the talk's rules, so the connection is in hardware.
    expect(text).toContain('[HW_OFFLOAD] mark=0 zone=1 use=2');
    // Three ct actions and the driver's flowtable callback (nf_flow_table_offload_add_cb takes a ref).
    expect(text).toContain('zone 1: 1 flows, 4 refs');
    expect(text).toContain('ingress chains: 0 2+1goto classid=ingress');
    expect(text).toContain('qdisc clsact dev rep0');
  });

  it.each(RUNTIME_REJECTIONS)('%s', (_name, line, message) => {
    expect(rejectUnchanged(line)).toBe(message);
  });

  // One line, several commands: every key is checked before the first is set.
  it('a line with several sysctls, one bad, sets none of them', () => {
    expect(rejectUnchanged('sysctl -w net.netfilter.nf_conntrack_tcp_loose=0 net.netfilter.nf_conntrack_nosuch=1')).toMatch(/nf_conntrack_nosuch/);
  });

  it(
    'random bad lines after a valid setup change nothing (fast-check seed 4711)',
    () => {
      const base = setUp();
      const before = snapshot(base);
      fc.assert(
        fc.property(anyBadLine, (line) => {
          const sim = setUp();
          const r = sim.run(line);
          if (!r.error) return; // the random line happened to be valid
          expect(r.error.line).toBe(1);
          expect(snapshot(sim)).toBe(before);
        }),
        { seed: 4711, numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(300, 30_000),
  );
});
