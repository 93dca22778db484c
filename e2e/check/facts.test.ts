import { describe, expect, it } from 'vitest';
import type { ExpectCheck } from '../../src/engine/script/ast';
import {
  addressFilterText,
  conntrackAbsentFact,
  conntrackEntryFact,
  countFact,
  expectLines,
  filterFact,
  lastDeliveredFact,
  lastDroppedFact,
  lastPathFact,
  parseHwConnections,
  parseTotal,
  rowMatches,
  type CtRowFacts,
  type PacketFacts,
} from './facts';

/** The check of a one-line scenario `expect …`. */
function check<K extends ExpectCheck['kind']>(line: string, kind: K): Extract<ExpectCheck, { kind: K }> {
  const r = expectLines(line);
  if ('error' in r) throw new Error(r.error.message);
  const c = r.lines[0].check;
  if (c.kind !== kind) throw new Error(`parsed as ${c.kind}`);
  return c as Extract<ExpectCheck, { kind: K }>;
}

const row = (patch: Partial<CtRowFacts> = {}): CtRowFacts => ({
  zone: 1,
  proto: 'tcp',
  orig: 'src=192.0.2.10 dst=10.0.0.1 sport=40000 dport=80',
  state: 'ESTABLISHED',
  flags: ['ASSURED', 'OFFLOAD'],
  mark: 0,
  ...patch,
});

describe('expectLines', () => {
  it('lists the expect lines with their line, column and text', () => {
    const r = expectLines('tc qdisc add dev uplink ingress\n# a comment\n  expect hw queue 0\nexpect conntrack count 1\n');
    expect(r).toEqual({
      lines: [
        { line: 3, col: 3, text: 'expect hw queue 0', check: { kind: 'hw.queue', count: 0 } },
        { line: 4, col: 1, text: 'expect conntrack count 1', check: { kind: 'conntrack.count', count: 1 } },
      ],
    });
  });

  it('reports where a scenario does not parse', () => {
    expect(expectLines('expect hw queue\n')).toEqual({ error: { line: 1, col: 11, message: expect.any(String) } });
  });
});

describe('the conntrack table', () => {
  it('narrows the address filter to the tuple up to the first port left out', () => {
    expect(addressFilterText(check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 absent', 'conntrack.absent').tuple)).toBe('src=192.0.2.10 dst=10.0.0.1 sport=40000 dport=80');
    expect(addressFilterText(check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1 absent', 'conntrack.absent').tuple)).toBe('src=192.0.2.10 dst=10.0.0.1 sport=40000');
    expect(addressFilterText(check('expect conntrack udp 192.0.2.10 > 10.0.0.1:53 absent', 'conntrack.absent').tuple)).toBe('src=192.0.2.10 dst=10.0.0.1');
    expect(addressFilterText(check('expect conntrack icmp6 2001:db8::10 > 2001:db8:1::1 absent', 'conntrack.absent').tuple)).toBe('src=2001:db8::10 dst=2001:db8:1::1');
  });

  it('matches a row by protocol, addresses, the ports given and the zone given', () => {
    const t = check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1 absent', 'conntrack.absent').tuple;
    expect(rowMatches(row(), t, undefined)).toBe(true);
    expect(rowMatches(row(), t, 1)).toBe(true);
    expect(rowMatches(row(), t, 2)).toBe(false);
    expect(rowMatches(row({ proto: 'udp' }), t, undefined)).toBe(false);
    expect(rowMatches(row({ orig: 'src=192.0.2.10 dst=10.0.0.11 sport=40000 dport=80' }), t, undefined)).toBe(false);
    expect(rowMatches(row({ orig: 'src=192.0.2.10 dst=10.0.0.1 sport=40001 dport=80' }), t, undefined)).toBe(false);
    const icmp = check('expect conntrack icmp6 2001:db8::10 > 2001:db8:1::1 absent', 'conntrack.absent').tuple;
    expect(rowMatches(row({ proto: 'icmpv6', orig: 'src=2001:db8::10 dst=2001:db8:1::1 type=128 code=0 id=7' }), icmp, undefined)).toBe(true);
  });

  it('compares the asserted state, flag set (in any order) and mark', () => {
    const c = check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 state ESTABLISHED flags OFFLOAD,ASSURED', 'conntrack.entry');
    expect(conntrackEntryFact(c, [row()])).toEqual({ view: 'Conntrack table', expected: 'state ESTABLISHED flags OFFLOAD,ASSURED', found: 'state ESTABLISHED flags ASSURED,OFFLOAD', ok: true });
    const hw = check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD mark 5', 'conntrack.entry');
    expect(conntrackEntryFact(hw, [row()])).toEqual({ view: 'Conntrack table', expected: 'flags ASSURED,HW_OFFLOAD mark 5', found: 'flags ASSURED,OFFLOAD mark 0', ok: false });
    expect(conntrackEntryFact(hw, [])).toMatchObject({ found: 'no entry', ok: false });
    expect(conntrackEntryFact(hw, [row(), row({ zone: 2 })])).toMatchObject({ found: '2 entries', ok: false });
    const none = check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags none', 'conntrack.entry');
    expect(conntrackEntryFact(none, [row({ flags: [] })])).toMatchObject({ expected: 'flags none', found: 'flags none', ok: true });
  });

  it('says what an entry that should be absent shows', () => {
    const c = check('expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 absent', 'conntrack.absent');
    expect(conntrackAbsentFact(c, [])).toEqual({ view: 'Conntrack table', expected: 'no entry', found: 'no entry', ok: true });
    expect(conntrackAbsentFact(c, [row({ state: 'TIME_WAIT', flags: ['ASSURED'] })])).toMatchObject({ found: 'an entry: state TIME_WAIT flags ASSURED', ok: false });
  });

  it('reads totals as the regions write them', () => {
    expect(parseTotal('1,234 entries')).toBe(1234);
    expect(parseTotal('1 entry')).toBe(1);
    expect(parseTotal('zone 1: 3 flows · offloaded by mlx5')).toBe(3);
    expect(parseTotal('Loading…')).toBeNull();
    expect(parseHwConnections(' 1 / 2,000,000 connections (2 entries), [HW_OFFLOAD] 1')).toBe(1);
    expect(countFact('Hardware CT table', 'count', 2, null)).toEqual({ view: 'Hardware CT table', expected: 'count 2', found: 'not shown', ok: false });
  });
});

describe('filters', () => {
  const c = check('expect filter dev uplink ingress chain 2 prio 1 sw 3 hw 0 in_hw', 'filter');
  it('compares the asserted counters and offload state', () => {
    expect(filterFact('Controls › Rules', c, [{ sw: 3, hw: 0, inHw: true }])).toEqual({ view: 'Controls › Rules', expected: 'sw 3 hw 0 in_hw', found: 'sw 3 hw 0 in_hw', ok: true });
    expect(filterFact('Pipeline graph', c, [{ sw: 1, hw: 2, inHw: false }])).toMatchObject({ found: 'sw 1 hw 2 not_in_hw', ok: false });
    expect(filterFact('Pipeline graph', c, [])).toMatchObject({ found: 'no filter', ok: false });
  });
  it('leaves out what the assertion does not name', () => {
    const only = check('expect filter dev uplink ingress prio 1 not_in_hw', 'filter');
    expect(filterFact('Controls › Rules', only, [{ sw: 9, hw: 9, inHw: false }])).toMatchObject({ expected: 'not_in_hw', found: 'not_in_hw', ok: true });
  });
});

describe('the last packet', () => {
  const miss: PacketFacts = { pathLabel: 'hardware miss → software', miss: { resumedChain: 2, meta: 'chain 2 · ct_state +trk+est · zone 1' }, delivered: { dev: 'rep0', target: 'vm0' } };
  it('compares the path, the chain software resumed at and what was restored (ct_state under its mask)', () => {
    const c = check('expect last path miss missed chain 2 restored chain 2 ct_state +trk+est-rpl zone 1', 'last.path');
    expect(lastPathFact(c, miss)).toEqual({
      view: 'Inspector',
      expected: 'path miss missed chain 2 restored chain 2 ct_state +trk+est-rpl zone 1',
      found: 'path miss missed chain 2 restored chain 2 ct_state +trk+est zone 1',
      ok: true,
    });
    const tunnel = check('expect last path miss restored tunnel_id 42', 'last.path');
    expect(lastPathFact(tunnel, miss)).toMatchObject({ found: 'path miss restored tunnel_id (not shown)', ok: false });
    expect(lastPathFact(check('expect last path hardware', 'last.path'), miss)).toMatchObject({ found: 'path miss', ok: false });
    expect(lastPathFact(check('expect last path software', 'last.path'), null)).toMatchObject({ found: 'no packet shown', ok: false });
  });

  it('names a delivery by the device or by where the packet went', () => {
    expect(lastDeliveredFact(check('expect last delivered vm0', 'last.delivered'), miss)).toMatchObject({ found: 'delivered vm0', ok: true });
    expect(lastDeliveredFact(check('expect last delivered rep0', 'last.delivered'), miss)).toMatchObject({ ok: true });
    expect(lastDeliveredFact(check('expect last delivered uplink', 'last.delivered'), miss)).toMatchObject({ found: 'delivered vm0 on rep0', ok: false });
    expect(lastDeliveredFact(check('expect last delivered host', 'last.delivered'), { pathLabel: 'software only', delivered: { dev: 'uplink', target: 'host stack' } })).toMatchObject({ ok: true });
  });

  it('compares a drop and the reason as a substring', () => {
    const dropped: PacketFacts = { pathLabel: 'dropped', dropped: 'tc ingress on rep0 returned drop' };
    expect(lastDroppedFact(check('expect last dropped reason "returned drop"', 'last.dropped'), dropped)).toMatchObject({ expected: 'dropped: returned drop', ok: true });
    expect(lastDroppedFact(check('expect last dropped reason "invalid"', 'last.dropped'), dropped)).toMatchObject({ found: 'dropped: tc ingress on rep0 returned drop', ok: false });
    expect(lastDroppedFact(check('expect last dropped', 'last.dropped'), miss)).toMatchObject({ found: 'delivered vm0 on rep0', ok: false });
  });
});
