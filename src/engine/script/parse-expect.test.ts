import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../model/addr';
import { parseIpv6 } from '../model/addr6';
import { CT_FLAG_ESTABLISHED, CT_FLAG_NEW, CT_FLAG_TRACKED } from './ast';
import { errorAt, parseError, parseOne, withoutSpans } from './test-support';

const checkOf = (text: string) => {
  const cmd = withoutSpans(parseOne(text));
  if (cmd.kind !== 'expect') throw new Error(`expected an expect command, got ${cmd.kind}`);
  expect(cmd.text).toBe(text.replace(/\s+#.*$/, ''));
  return cmd.check;
};
const rejects = (text: string, needle: string, message: string, nth = 1) => expect(parseError(text)).toEqual(errorAt(text, needle, message, nth));
const A = parseIpv4('192.0.2.10');
const B = parseIpv4('10.0.0.1');

describe('expect conntrack', () => {
  it('finds an entry by its original tuple, with state, flags and mark', () => {
    expect(checkOf('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 state ESTABLISHED flags ASSURED,HW_OFFLOAD mark 0x10')).toEqual({
      kind: 'conntrack.entry',
      tuple: { proto: 'tcp', family: 4, src: A, dst: B, sport: 40000, dport: 80 },
      state: 'ESTABLISHED',
      flags: ['ASSURED', 'HW_OFFLOAD'],
      mark: 16,
    });
  });

  it('takes a zone, ports left out (any), flags none, and IPv6 in brackets', () => {
    expect(checkOf('expect conntrack zone 2 udp 192.0.2.10 > 10.0.0.1:53 flags none')).toEqual({
      kind: 'conntrack.entry', zone: 2, tuple: { proto: 'udp', family: 4, src: A, dst: B, sport: -1, dport: 53 }, flags: [],
    });
    expect(checkOf('expect conntrack tcp [2001:db8::1]:1000 > [2001:db8::2] absent')).toEqual({
      kind: 'conntrack.absent', tuple: { proto: 'tcp', family: 6, src: parseIpv6('2001:db8::1'), dst: parseIpv6('2001:db8::2'), sport: 1000, dport: -1 },
    });
    expect(checkOf('expect conntrack icmp 192.0.2.10 > 10.0.0.1')).toEqual({
      kind: 'conntrack.entry', tuple: { proto: 'icmp', family: 4, src: A, dst: B, sport: 0, dport: 0 },
    });
  });

  it('counts entries, in one zone or all', () => {
    expect(checkOf('expect conntrack count 3')).toEqual({ kind: 'conntrack.count', count: 3 });
    expect(checkOf('expect conntrack zone 1 count 0   # none yet')).toEqual({ kind: 'conntrack.count', zone: 1, count: 0 });
  });

  it('rejects bad input at its column', () => {
    rejects('expect conntrack', 'conntrack', 'missing argument after "conntrack"');
    rejects('expect conntrack sctp 1.2.3.4:1 > 5.6.7.8:2', 'sctp', 'expected "count" or a tuple (tcp, udp, icmp, icmp6 SRC > DST), got "sctp"');
    rejects('expect conntrack tcp 1.2.3.4:1 5.6.7.8:2', '5.6.7.8', 'expected ">" between source and destination');
    rejects('expect conntrack tcp 1.2.3.4:1 >', '>', 'missing argument after ">"');
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:99999', '99999', 'invalid port "99999": must be 0-65535');
    rejects('expect conntrack udp 1.2.3.4:1 > 5.6.7.8:2 state ESTABLISHED', 'state', '"state" is for tcp entries (conntrack -L prints no state for udp)');
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 state OPEN', 'OPEN', 'unknown TCP state "OPEN" (SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2)');
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 flags ASSURED,OFFLOADED', 'OFFLOADED', 'unknown conntrack flag "OFFLOADED" (UNREPLIED, ASSURED, OFFLOAD, HW_OFFLOAD, or none)');
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 flags ASSURED,ASSURED', 'ASSURED', 'duplicate conntrack flag "ASSURED"', 2);
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 mark 1 mark 2', 'mark', 'duplicate "mark"', 2);
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 zone 1', 'zone', 'unexpected "zone" (state, flags, mark, or absent)');
    rejects('expect conntrack tcp 1.2.3.4:1 > 5.6.7.8:2 absent now', 'now', 'unexpected "now"');
    rejects('expect conntrack count many', 'many', 'invalid count "many": expected a number');
    rejects('expect conntrack zone 70000 count 1', '70000', 'invalid zone "70000": must be 0-65535');
  });
});

describe('expect filter', () => {
  it('names a filter by device, hook, chain, prio and handle, with counters and in_hw', () => {
    expect(checkOf('expect filter dev uplink ingress chain 2 prio 1 handle 0x1 sw 3 hw 2 in_hw')).toEqual({
      kind: 'filter', dev: { value: 'uplink' }, hook: 'ingress', chain: 2, prio: 1, handle: 1, sw: 3, hw: 2, inHw: true,
    });
    expect(checkOf('expect filter dev rep0 ingress prio 1 not_in_hw')).toEqual({ kind: 'filter', dev: { value: 'rep0' }, hook: 'ingress', chain: 0, prio: 1, inHw: false });
  });

  it('rejects bad input at its column', () => {
    rejects('expect filter uplink ingress prio 1', 'uplink', 'expected "dev DEV" after "filter"');
    rejects('expect filter dev uplink sideways prio 1', 'sideways', 'unknown hook "sideways" (ingress, egress)');
    rejects('expect filter dev uplink ingress sw 1', 'filter', 'missing "prio P": name the filter by its prio');
    rejects('expect filter dev uplink ingress prio 1 in_hw not_in_hw', 'not_in_hw', 'duplicate "in_hw"');
    rejects('expect filter dev uplink ingress prio 1 hw -1', '-1', 'invalid hw "-1": expected a number');
    rejects('expect filter dev uplink ingress prio 1 pkts 3', 'pkts', 'unexpected "pkts" (chain, prio, handle, sw, hw, in_hw or not_in_hw)');
  });
});

describe('expect tables', () => {
  it('sizes of a zone\'s flowtable, the hardware CT table and the offload queue', () => {
    expect(checkOf('expect flowtable zone 2 count 1')).toEqual({ kind: 'flowtable.count', zone: 2, count: 1 });
    expect(checkOf('expect hw ct count 0')).toEqual({ kind: 'hw.ct.count', count: 0 });
    expect(checkOf('expect hw queue 4')).toEqual({ kind: 'hw.queue', count: 4 });
  });

  it('rejects bad input at its column', () => {
    rejects('expect flowtable count 1', 'count', 'expected "zone Z" after "flowtable"');
    rejects('expect flowtable zone 1 size 1', 'size', 'expected "count N" after the zone');
    rejects('expect hw nic count 1', 'nic', 'unknown hardware table "nic" (ct, queue)');
    rejects('expect hw ct 1', '1', 'expected "count N" after "hw ct"');
    rejects('expect hw queue', 'queue', 'missing argument after "queue"');
  });
});

describe('expect last', () => {
  it('path class, where it missed and what was restored', () => {
    expect(checkOf('expect last path hardware')).toEqual({ kind: 'last.path', path: 'hardware', restored: {} });
    expect(checkOf('expect last path miss missed chain 2 restored chain 2 ct_state +trk+est zone 1 tunnel_id 42')).toEqual({
      kind: 'last.path', path: 'miss', missedChain: 2,
      restored: { chain: 2, ctState: { value: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED, mask: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED }, zone: 1, tunnelId: 42 },
    });
    expect(checkOf('expect last path miss restored ct_state +trk-new')).toEqual({
      kind: 'last.path', path: 'miss', restored: { ctState: { value: CT_FLAG_TRACKED, mask: CT_FLAG_TRACKED | CT_FLAG_NEW } },
    });
  });

  it('where it was delivered, or why it was dropped (the quoted reason kept as written)', () => {
    expect(checkOf('expect last delivered vm0')).toEqual({ kind: 'last.delivered', dev: 'vm0' });
    expect(checkOf('expect last dropped')).toEqual({ kind: 'last.dropped' });
    expect(checkOf('expect last dropped reason "returned drop"')).toEqual({ kind: 'last.dropped', reason: 'returned drop' });
  });

  it('rejects bad input at its column', () => {
    rejects('expect', 'expect', 'missing expectation after "expect" (conntrack, filter, flowtable, hw, last)');
    rejects('expect nothing', 'nothing', 'unknown expectation "nothing" (conntrack, filter, flowtable, hw, last)');
    rejects('expect last path fast', 'fast', 'unknown path class "fast" (software, hardware, miss, dropped)');
    rejects('expect last path miss missed 2', '2', 'expected "chain C" after "missed"');
    rejects('expect last path miss restored', 'restored', 'missing KEY VALUE after "restored" (chain, ct_state, zone, tunnel_id)');
    rejects('expect last path miss restored vni 5', 'vni', 'unknown restored key "vni" (chain, ct_state, zone, tunnel_id)');
    rejects('expect last path miss restored ct_state +trk+bogus', '+bogus', 'unknown ct_state flag "+bogus": use trk, new, est, rel, inv or rpl');
    rejects('expect last path miss via chain 1', 'via', 'unexpected "via" (missed chain C, restored KEY VALUE…)');
    rejects('expect last delivered', 'delivered', 'missing argument after "delivered"');
    rejects('expect last dropped because x', 'because', 'unexpected "because" (reason TEXT)');
  });
});
