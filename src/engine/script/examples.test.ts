/**
 * The command lines of /work/shared/reference/tc-examples.txt (numbers in brackets), with their
 * shell variables replaced by real names, parse to these commands; the out-of-scope ones give
 * positioned errors.
 */
import { describe, expect, it } from 'vitest';
import type { ActionSpec, Command } from './ast';
import { CT_FLAG_ESTABLISHED, CT_FLAG_NEW, CT_FLAG_REPLY, CT_FLAG_TRACKED } from './ast';
import { parseIpv4 } from '../model/addr';
import { colOf, errorAt, parseError, parseOne, withoutSpans } from './test-support';

const ip = (a: string) => parseIpv4(a)!;
const IPV4 = 0x0800;
const TCP = 6;
const ALL32 = 0xffffffff;
const dev = (value: string) => ({ value });
const trk = { value: 0, mask: CT_FLAG_TRACKED };
const plusTrk = (...flags: number[]) => {
  const bits = flags.reduce((a, b) => a | b, CT_FLAG_TRACKED);
  return { value: bits, mask: bits };
};
const pipe = { kind: 'pipe' } as const;
const act = (body: ActionSpec['body'], control: ActionSpec['control'] = pipe, index?: number): Omit<ActionSpec, 'span'> =>
  index === undefined ? { body, control, bindOnly: false } : { body, control, index, bindOnly: false };
const ct = (extra: object = {}) => ({ kind: 'ct', zone: 0, commit: false, force: false, clear: false, ...extra }) as const;
const goto = (chain: number) => act({ kind: 'gact' }, { kind: 'goto', chain });
const redirect = (to: string) => act({ kind: 'mirred', mode: 'redirect', direction: 'egress', dev: { value: to } } as never, { kind: 'stolen' });

function filter(fields: object) {
  return { kind: 'tc.filter.add', op: 'add', filter: { chain: 0, skipHw: false, skipSw: false, verbose: false, ...fields } };
}

const parsed = (text: string): Command => withoutSpans(parseOne(text));

/** Where a one-line filter's ct_state value is: the parser keeps it for tc's refusal. */
function ctStateSpan(text: string) {
  const col = colOf(text, ' ct_state ') + ' ct_state '.length;
  return { line: 1, col, end: text.indexOf(' ', col - 1) + 1 };
}

describe('tc-examples.txt commands that are in scope', () => {
  it('[01] ingress qdisc', () => {
    expect(parsed('tc qdisc add dev eth0 ingress')).toEqual({ kind: 'tc.qdisc', op: 'add', dev: dev('eth0'), qdisc: 'ingress' });
  });

  it('[02] chain 0: -trk → ct zone 2 → goto chain 2', () => {
    const line = 'tc filter add dev eth0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 2 pipe action goto chain 2';
    expect(parsed(line)).toEqual(
      filter({
        ctStateSpan: ctStateSpan(line),
        dev: dev('eth0'), hook: 'ingress', prio: 1, protocol: IPV4,
        keys: { ethType: IPV4, ipProto: TCP, ctState: trk },
        actions: [act(ct({ zone: 2 })), goto(2)],
      }),
    );
  });

  it('[03] chain 2: +trk+new → commit with mark and SNAT → redirect', () => {
    const line = 'tc filter add dev eth0 ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 2 commit mark 0xbb nat src addr 5.5.5.7 pipe action mirred egress redirect dev eth1';
    expect(parsed(line)).toEqual(
      filter({
        ctStateSpan: ctStateSpan(line),
        dev: dev('eth0'), hook: 'ingress', chain: 2, prio: 1, protocol: IPV4,
        keys: { ethType: IPV4, ctState: plusTrk(CT_FLAG_NEW) },
        actions: [
          act(ct({ zone: 2, commit: true, mark: { value: 0xbb, mask: ALL32 }, nat: { type: 'src', addrMin: ip('5.5.5.7'), addrMax: ip('5.5.5.7') } })),
          redirect('eth1'),
        ],
      }),
    );
  });

  it('[04] ct_zone, ct_mark and +trk+est → ct nat (zone 0) → redirect', () => {
    const line = 'tc filter add dev eth0 ingress prio 1 chain 2 proto ip flower ct_zone 2 ct_mark 0xbb ct_state +trk+est action ct nat pipe action mirred egress redirect dev eth1';
    expect(parsed(line)).toEqual(
      filter({
        ctStateSpan: ctStateSpan(line),
        dev: dev('eth0'), hook: 'ingress', chain: 2, prio: 1, protocol: IPV4,
        keys: { ethType: IPV4, ctZone: { value: 2, mask: 0xffff }, ctMark: { value: 0xbb, mask: ALL32 }, ctState: plusTrk(CT_FLAG_ESTABLISHED) },
        actions: [act(ct({ nat: { type: 'restore' } })), redirect('eth1')],
      }),
    );
  });

  it('[05] reply side chain 0 → goto chain 1', () => {
    const cmd = parsed('tc filter add dev eth1 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 2 pipe action goto chain 1');
    expect(cmd).toMatchObject(filter({ dev: dev('eth1'), actions: [act(ct({ zone: 2 })), goto(1)] }));
  });

  it('[07] protocol before prio, ct commit with the default pipe', () => {
    const line = 'tc filter add dev rep0 ingress protocol ip prio 1 flower ct_state -trk action ct commit action goto chain 1';
    expect(parsed(line)).toEqual(
      filter({ ctStateSpan: ctStateSpan(line), dev: dev('rep0'), hook: 'ingress', prio: 1, protocol: IPV4, keys: { ethType: IPV4, ctState: trk }, actions: [act(ct({ commit: true })), goto(1)] }),
    );
  });

  it('[08] a flower with no keys', () => {
    expect(parsed('tc filter add dev rep0 ingress protocol ip prio 1 chain 1 flower action mirred egress redirect dev rep1')).toEqual(
      filter({ dev: dev('rep0'), hook: 'ingress', chain: 1, prio: 1, protocol: IPV4, keys: { ethType: IPV4 }, actions: [redirect('rep1')] }),
    );
  });

  it('[11] and [12] the reply flag set and cleared', () => {
    const rpl = parsed('tc filter add dev ens1f0_0 ingress prio 1 chain 1 proto ip flower ct_state +trk+est+rpl action mirred egress redirect dev ens1f0_1');
    const orig = parsed('tc filter add dev ens1f0_1 ingress prio 1 chain 1 proto ip flower ct_state +trk+est-rpl action mirred egress redirect dev ens1f0_0');
    expect(rpl).toMatchObject({ filter: { keys: { ctState: plusTrk(CT_FLAG_ESTABLISHED, CT_FLAG_REPLY) } } });
    expect(orig).toMatchObject({ filter: { keys: { ctState: { value: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED, mask: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED | CT_FLAG_REPLY } } } });
  });

  it('[13] pedit, csum, ct and goto before conntrack', () => {
    const line = 'tc filter add dev enp8s0f0_0 ingress chain 0 proto ip flower ct_state -trk ip_proto tcp dst_port 8888 action pedit ex munge tcp dport set 5001 pipe action csum ip tcp pipe action ct pipe action goto chain 1';
    expect(parsed(line)).toEqual(
      filter({
        ctStateSpan: ctStateSpan(line),
        dev: dev('enp8s0f0_0'), hook: 'ingress', protocol: IPV4,
        keys: { ethType: IPV4, ctState: trk, ipProto: TCP, dstPort: { min: 8888, max: 8888 } },
        actions: [
          act({ kind: 'pedit', keys: [{ target: { layer: 'tcp', field: 'dport' }, op: 'set', value: 5001 }] }),
          act({ kind: 'csum', targets: ['ip', 'tcp'] }),
          act(ct()),
          goto(1),
        ],
      }),
    );
  });

  it('[15] +trk+new → commit → redirect', () => {
    expect(parsed('tc filter add dev enp8s0f0_0 ingress chain 1 proto ip flower ct_state +trk+new action ct commit pipe action mirred egress redirect dev enp8s0f0_1')).toMatchObject(
      filter({ chain: 1, keys: { ctState: plusTrk(CT_FLAG_NEW) }, actions: [act(ct({ commit: true })), redirect('enp8s0f0_1')] }),
    );
  });

  it('[16] ct first, then a sport rewrite and a redirect', () => {
    expect(parsed('tc filter add dev enp8s0f0_1 ingress chain 0 proto ip flower ct_state -trk ip_proto tcp action ct pipe action pedit ex munge tcp sport set 8888 pipe action csum ip tcp pipe action mirred egress redirect dev enp8s0f0_0')).toMatchObject(
      filter({
        actions: [
          act(ct()),
          act({ kind: 'pedit', keys: [{ target: { layer: 'tcp', field: 'sport' }, op: 'set', value: 8888 }] }),
          act({ kind: 'csum', targets: ['ip', 'tcp'] }),
          redirect('enp8s0f0_0'),
        ],
      }),
    );
  });

  it('[17] DNAT with a port, then drop', () => {
    expect(parsed('tc filter add dev eth0 ingress protocol ip prio 1 flower ct_state -trk action ct commit nat dst addr 20.0.0.1 port 10 pipe action drop')).toMatchObject(
      filter({
        actions: [
          act(ct({ commit: true, nat: { type: 'dst', addrMin: ip('20.0.0.1'), addrMax: ip('20.0.0.1'), portMin: 10, portMax: 10 } })),
          act({ kind: 'gact' }, { kind: 'drop' }),
        ],
      }),
    );
  });

  it('[18] standalone ct with an address and port range', () => {
    expect(parsed('tc actions add action ct commit nat src addr 5.5.5.7-5.5.6.0 port 1000-2000 index 44')).toEqual({
      kind: 'tc.actions.add',
      op: 'add',
      actions: [act(ct({ commit: true, nat: { type: 'src', addrMin: ip('5.5.5.7'), addrMax: ip('5.5.6.0'), portMin: 1000, portMax: 2000 } }), pipe, 44)],
    });
  });

  it('[20] zone, commit, mark and SNAT', () => {
    expect(parsed('tc actions add action ct zone 404 commit mark 0x42 nat src addr 5.5.5.7 index 42')).toEqual({
      kind: 'tc.actions.add',
      op: 'add',
      actions: [act(ct({ zone: 404, commit: true, mark: { value: 0x42, mask: ALL32 }, nat: { type: 'src', addrMin: ip('5.5.5.7'), addrMax: ip('5.5.5.7') } }), pipe, 42)],
    });
  });

  it('[22] ct clear and [23] a masked mark without commit', () => {
    expect(parsed('tc actions add action ct clear index 42')).toMatchObject({ actions: [act(ct({ clear: true }), pipe, 42)] });
    expect(parsed('tc actions add action ct mark 0x42/0xf0 index 42')).toMatchObject({ actions: [act(ct({ mark: { value: 0x42, mask: 0xf0 } }), pipe, 42)] });
  });

  it('[26] echo into /proc/sys becomes a sysctl', () => {
    expect(parsed('echo 1 > /proc/sys/net/netfilter/nf_conntrack_tcp_be_liberal')).toEqual({ kind: 'sysctl', key: { value: 'net.netfilter.nf_conntrack_tcp_be_liberal' }, value: { value: '1' } });
  });

  it('[27] and [28] the regression test rules with verbose and dst_mac', () => {
    const mac2 = { value: 2, mask: 2 ** 48 - 1 };
    const line = 'tc filter add dev rep0 ingress protocol ip prio 2 flower verbose dst_mac 00:00:00:00:00:02 ct_state -trk action ct nat action goto chain 1';
    expect(parsed(line)).toEqual(
      filter({ ctStateSpan: ctStateSpan(line), dev: dev('rep0'), hook: 'ingress', prio: 2, protocol: IPV4, verbose: true, keys: { ethType: IPV4, dstMac: mac2, ctState: trk }, actions: [act(ct({ nat: { type: 'restore' } })), goto(1)] }),
    );
    expect(parsed('tc filter add dev rep0 ingress protocol ip chain 1 prio 2 flower skip_hw verbose dst_mac 00:00:00:00:00:02 ct_state +trk+new action ct commit nat dst addr 7.7.7.2 action mirred egress redirect dev rep1')).toMatchObject(
      filter({ chain: 1, skipHw: true, verbose: true, actions: [act(ct({ commit: true, nat: { type: 'dst', addrMin: ip('7.7.7.2'), addrMax: ip('7.7.7.2') } })), redirect('rep1')] }),
    );
  });

  it('[31] tunnel metadata keys', () => {
    const line = 'tc filter add dev gre_sys ingress prio 2 chain 0 proto ip flower enc_dst_ip 172.168.152.75 enc_src_ip 172.168.152.208 enc_key_id 1000 enc_tos 0x0/ff dst_ip 1.1.1.7 ct_state -trk action ct zone 1 nat pipe action goto chain 1';
    expect(parsed(line)).toEqual(
      filter({
        ctStateSpan: ctStateSpan(line),
        dev: dev('gre_sys'), hook: 'ingress', prio: 2, protocol: IPV4,
        keys: {
          ethType: IPV4,
          encDstIp: { addr: ip('172.168.152.75'), len: 32 },
          encSrcIp: { addr: ip('172.168.152.208'), len: 32 },
          encKeyId: 1000,
          encTos: { value: 0, mask: 0xff },
          dstIp: { addr: ip('1.1.1.7'), len: 32 },
          ctState: trk,
        },
        actions: [act(ct({ zone: 1, nat: { type: 'restore' } })), goto(1)],
      }),
    );
  });

  it('[40] JSON output of the filters of one protocol', () => {
    expect(parsed('tc -j -p -s filter show dev rep0 protocol ip ingress')).toEqual({ kind: 'tc.filter.show', dev: { value: 'rep0' }, hook: 'ingress', stats: true, protocol: 0x800, json: 'pretty' });
  });

  it('[37] and [38] conntrack dumps', () => {
    expect(parsed('cat /proc/net/nf_conntrack')).toEqual({ kind: 'proc.conntrack' });
    expect(parsed('conntrack -L')).toEqual({ kind: 'conntrack.list', filter: {}, output: { extended: false, id: false, userspace: false } });
  });
});

describe('tc-examples.txt commands that are out of scope', () => {
  const cases: [string, string, string, string][] = [
    ['[17] raw $TC', '$TC filter add dev eth0 ingress flower action drop', '$TC', 'unexpanded shell variable "$TC": replace $TC with tc'],
    ['[07] raw $DEV', 'tc filter add dev $DEV ingress protocol ip prio 1 flower', '$DEV', 'unexpanded shell variable "$DEV": replace it with its value'],
    ['[19] IPv6 NAT', 'tc actions add action ct commit force nat src addr 2001::1-2001::10 port 1000-2000 index 44', '2001::1', 'IPv6 is not supported by the simulator: "2001::1"'],
    ['[21] skbedit', 'tc filter add dev h1 protocol ip pref 100 handle 100 egress flower skip_hw ip_proto tcp src_ip 192.0.2.1 dst_ip 192.0.2.2 action ct commit nat src addr 192.0.2.2 pipe action ct clear pipe action skbedit ptype host pipe action mirred ingress redirect dev h1', 'skbedit', 'action "skbedit" is not supported by the simulator'],
    ['[24] shared block qdisc', 'tc qdisc add dev eth1 ingress_block 22 ingress', 'ingress_block', 'shared blocks are not supported by the simulator: use one ingress or clsact qdisc per device'],
    ['[25] filter on a block', 'tc filter add block 22 proto ip flower skip_sw ip_proto tcp dst_port 21 ct_state -trk action ct helper ipv4-tcp-ftp', 'block', 'shared blocks are not supported by the simulator: attach filters with dev DEV ingress'],
    ['[27] the tc_filter helper', 'tc_filter add dev rep0 ingress protocol ip prio 2 flower', 'tc_filter', 'unknown command "tc_filter" (a helper of the test script this comes from): replace tc_filter with tc filter'],
    ['[32] ovs-vsctl', 'ovs-vsctl set Open_vSwitch . other_config:hw-offload=true', 'ovs-vsctl', '"ovs-vsctl" is not supported by the simulator'],
    ['[33] ovs-ofctl', 'ovs-ofctl add-flow br0 "table=0, priority=50, ct_state=-trk, tcp, in_port=veth_l0, actions=ct(table=0)"', 'ovs-ofctl', '"ovs-ofctl" is not supported by the simulator'],
    ['[36] ovs_add_flow', "ovs_add_flow \"test_ct_connect_v4\" ct4 'ct_state(-trk),eth(),eth_type(0x0800),ipv4()' 'ct(commit),recirc(0x1)'", 'ovs_add_flow', '"ovs_add_flow" is not supported by the simulator'],
    ['[39] a pipe into grep', 'tc -s filter show dev enp8s0f0_0 ingress chain 0 proto ip | grep "hardware.*pkt"', '|', 'shell syntax "|" is not supported: write one command per line'],
  ];
  it.each(cases)('%s', (_name, text, at, message) => {
    expect(parseError(text)).toEqual(errorAt(text, at, message));
  });
});
