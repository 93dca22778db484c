/**
 * `expect` evaluated against the engine's state at that point of the run: each kind passing
 * and failing, with the exact message a failure prints (line, the assertion, what was found).
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from './simulator';

/** The hardware story of ct-hit-chain2-miss.sim: chain 0 and CT in hardware, chain 2 prio 2 skip_hw. */
const CHAIN2 = `tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp dst_port 80 ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower skip_hw ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink
connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none
sleep 1
send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 count 2
`;
/** Line of the first expect appended to CHAIN2. */
const L = CHAIN2.split('\n').length;

/** Runs `script` and returns each expect's message; the run must not stop at an error. */
function messages(script: string): string[] {
  const r = new Simulator().run(script);
  expect(r.error).toBeUndefined();
  return r.expects.map((e) => e.message);
}

/** CHAIN2 then the given expect lines: their messages. */
const after = (...lines: string[]): string[] => messages(CHAIN2 + lines.join('\n'));
const at = (i: number, text: string, found?: string): string => `line ${L + i}, col 1: ${text}: ${found === undefined ? 'ok' : `found ${found}`}`;

describe('expect conntrack', () => {
  it('an entry by its original tuple: state, flags (the exact set), mark; zone and ports optional', () => {
    const pass = 'expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 state ESTABLISHED flags ASSURED,OFFLOAD,HW_OFFLOAD mark 0';
    const anyPort = 'expect conntrack zone 1 tcp 192.0.2.10 > 10.0.0.1 flags HW_OFFLOAD,OFFLOAD,ASSURED';
    const wrong = 'expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 state TIME_WAIT flags ASSURED,HW_OFFLOAD mark 7';
    const otherZone = 'expect conntrack zone 2 tcp 192.0.2.10:40000 > 10.0.0.1:80';
    const reply = 'expect conntrack tcp 10.0.0.1:80 > 192.0.2.10:40000';
    expect(after(pass, anyPort, wrong, otherZone, reply)).toEqual([
      at(0, pass),
      at(1, anyPort),
      at(2, wrong, 'state ESTABLISHED flags ASSURED,OFFLOAD,HW_OFFLOAD mark 0'),
      at(3, otherZone, 'no entry'),
      at(4, reply, 'no entry'),
    ]);
  });

  it('UNREPLIED and flags none, as the SYN leaves them; absent; counts', () => {
    const syn = 'send dev uplink tcp 192.0.2.20:1 > 10.0.0.1:80 flags S';
    const unreplied = 'expect conntrack tcp 192.0.2.20:1 > 10.0.0.1:80 state SYN_SENT flags UNREPLIED';
    const none = 'expect conntrack tcp 192.0.2.20:1 > 10.0.0.1:80 flags none';
    const absent = 'expect conntrack tcp 192.0.2.20:1 > 10.0.0.1:80 absent';
    const gone = 'expect conntrack udp 192.0.2.20:1 > 10.0.0.1:80 absent';
    const count = 'expect conntrack count 2';
    const zone2 = 'expect conntrack zone 2 count 1';
    expect(after(syn, unreplied, none, absent, gone, count, zone2)).toEqual([
      at(1, unreplied),
      at(2, none, 'flags UNREPLIED'),
      at(3, absent, 'an entry with state SYN_SENT flags UNREPLIED mark 0 zone 1'),
      at(4, gone),
      at(5, count),
      at(6, zone2, 'count 0'),
    ]);
  });

  it('asks for the zone when a tuple is tracked in several', () => {
    const script = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower skip_hw ct_state -trk action ct zone 1 commit pipe action ct clear pipe action ct zone 2 commit pipe action drop
send dev uplink udp 192.0.2.1:5 > 10.0.0.1:53
expect conntrack udp 192.0.2.1:5 > 10.0.0.1:53
expect conntrack zone 2 udp 192.0.2.1:5 > 10.0.0.1:53 flags UNREPLIED`;
    expect(messages(script)).toEqual([
      'line 4, col 1: expect conntrack udp 192.0.2.1:5 > 10.0.0.1:53: found 2 entries (zones 1, 2): name the zone or the ports',
      'line 5, col 1: expect conntrack zone 2 udp 192.0.2.1:5 > 10.0.0.1:53 flags UNREPLIED: ok',
    ]);
  });
});

describe('expect filter', () => {
  it('software and hardware counters as tc -s filter show reports them, and in_hw', () => {
    const chain0 = 'expect filter dev uplink ingress prio 1 handle 1 sw 3 hw 2 in_hw';
    const chain2 = 'expect filter dev uplink ingress chain 2 prio 2 sw 5 hw 0 in_hw';
    const missing = 'expect filter dev uplink ingress chain 3 prio 1';
    expect(after(chain0, chain2, missing)).toEqual([at(0, chain0), at(1, chain2, 'sw 4 not_in_hw'), at(2, missing, 'no filter')]);
  });
});

describe('expect table sizes', () => {
  it('a zone\'s flowtable, the hardware CT table, the offload queue', () => {
    const ft = 'expect flowtable zone 1 count 1';
    const ft2 = 'expect flowtable zone 2 count 1';
    const hw = 'expect hw ct count 1';
    const q = 'expect hw queue 1';
    expect(after(ft, ft2, hw, q)).toEqual([at(0, ft), at(1, ft2, 'count 0'), at(2, hw), at(3, q, 'queue 0')]);
  });

  it('the offload queue holds the add until the driver ran it', () => {
    const script = CHAIN2.replace('sleep 1\n', '') + 'expect hw queue 1\nexpect hw ct count 0\nsleep 1\nexpect hw queue 0\nexpect hw ct count 1';
    expect(messages(script).every((m) => m.endsWith(': ok'))).toBe(true);
  });
});

describe('expect last', () => {
  it('a miss in chain 2 with the ct state restored, then a CT hit that ends in hardware', () => {
    const miss = 'expect last path miss missed chain 2 restored chain 2 ct_state +trk+est zone 1';
    const wrong = 'expect last path miss missed chain 0 restored ct_state +trk+new';
    const hwPath = 'expect last path hardware';
    const reply = 'send dev rep0 tcp 10.0.0.1:80 > 192.0.2.10:40000 flags .';
    expect(after(miss, wrong, hwPath, reply, hwPath)).toEqual([
      at(0, miss),
      at(1, wrong, 'miss missed chain 2 restored chain 2 ct_state +trk+est zone 1'),
      at(2, hwPath, 'miss missed chain 2 restored chain 2 ct_state +trk+est zone 1'),
      at(4, hwPath),
    ]);
  });

  it('software only, and the tunnel id a VXLAN miss restores', () => {
    const vxlan = `ip link add vxlan0 type vxlan external dstport 4789
tc qdisc add dev vxlan0 ingress
tc filter add dev vxlan0 ingress prio 1 proto ip flower enc_key_id 100 enc_dst_port 4789 ip_proto tcp ct_state -trk action ct zone 5 pipe action goto chain 1
tc filter add dev vxlan0 ingress prio 1 chain 1 proto ip flower ct_state +trk+new action ct zone 5 commit pipe action mirred egress redirect dev rep0
send dev uplink vxlan vni 100 src 192.0.2.1 dst 192.0.2.2 tcp 172.16.0.1:1000 > 10.0.0.1:80 flags S
expect last path miss missed chain 0 restored tunnel_id 100
expect last path miss restored tunnel_id 7
send dev rep0 tcp 10.0.0.1:80 > 172.16.0.1:1000 flags S.
expect last path software`;
    expect(messages(vxlan)).toEqual([
      'line 6, col 1: expect last path miss missed chain 0 restored tunnel_id 100: ok',
      'line 7, col 1: expect last path miss restored tunnel_id 7: found miss missed chain 0 restored tunnel_id 100',
      'line 9, col 1: expect last path software: ok',
    ]);
  });

  it('before any packet there is no last packet', () => {
    expect(messages('expect last path software\nexpect last delivered vm0')).toEqual([
      'line 1, col 1: expect last path software: found no packet sent yet',
      'line 2, col 1: expect last delivered vm0: found no packet sent yet',
    ]);
  });

  it('where it was delivered (device or target) or why it was dropped', () => {
    const vm = 'expect last delivered vm0';
    const rep = 'expect last delivered rep0';
    const wire = 'expect last delivered wire';
    const dropped = 'expect last dropped';
    expect(after(vm, rep, wire, dropped)).toEqual([at(0, vm), at(1, rep), at(2, wire, 'delivered vm0 on rep0'), at(3, dropped, 'delivered vm0 on rep0')]);

    const drop = `tc qdisc add dev rep0 ingress
tc filter add dev rep0 ingress prio 1 proto ip flower skip_hw action drop
send dev rep0 udp 10.0.0.1:5 > 192.0.2.1:53
expect last dropped reason "tc ingress on rep0"
expect last dropped reason "ct"
expect last path dropped
expect last delivered uplink`;
    expect(messages(drop)).toEqual([
      'line 4, col 1: expect last dropped reason "tc ingress on rep0": ok',
      'line 5, col 1: expect last dropped reason "ct": found dropped on rep0: "tc ingress on rep0 returned drop"',
      'line 6, col 1: expect last path dropped: ok',
      'line 7, col 1: expect last delivered uplink: found dropped on rep0: "tc ingress on rep0 returned drop"',
    ]);
  });
});

describe('expect in a run', () => {
  it('a failure does not stop the run; results carry line, column, expected and found', () => {
    const r = new Simulator().run('echo a\n  expect conntrack count 1\necho b\n');
    expect(r.outputs).toEqual(['a\n', 'b\n']);
    expect(r.expects).toEqual([
      { line: 2, col: 3, ok: false, expected: 'expect conntrack count 1', found: 'count 0', message: 'line 2, col 3: expect conntrack count 1: found count 0' },
    ]);
  });
});
