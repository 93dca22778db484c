import { describe, expect, it } from 'vitest';
import type { ActionSpec } from './ast';
import { parseIpv4 } from '../model/addr';
import { formatIpv6 } from '../model/addr6';
import { MAX_ACTIONS } from './parse-actions';
import { errorAt, filterOf, parseError, withoutSpans } from './test-support';

const HEAD = 'tc filter add dev eth0 ingress protocol ip flower action';
const actionsOf = (text: string): Omit<ActionSpec, 'span'>[] => withoutSpans(filterOf(`${HEAD} ${text}`).actions);
const only = (text: string) => {
  const list = actionsOf(text);
  expect(list).toHaveLength(1);
  return list[0];
};
const errorOf = (text: string) => parseError(`${HEAD} ${text}`);
const at = (text: string, needle: string, message: string, nth = 1) => errorAt(`${HEAD} ${text}`, needle, message, nth);
const ct = (extra: object = {}) => ({ kind: 'ct', zone: 0, commit: false, force: false, clear: false, ...extra });
const PIPE = { kind: 'pipe' };
const PASS = { kind: 'ok' };
const ALL = 0xffffffff;
const ip = (a: string) => parseIpv4(a)!;

describe('ct action', () => {
  it('defaults to zone 0 and pipe', () => {
    expect(only('ct')).toEqual({ body: ct(), control: PIPE, bindOnly: false });
  });

  it('reads every option', () => {
    expect(only('ct commit force zone 5 mark 7/0xff label 12/ff helper ipv4-tcp-ftp drop')).toEqual({
      body: ct({ commit: true, force: true, zone: 5, mark: { value: 7, mask: 0xff }, label: { value: [0x12000000, 0, 0, 0], mask: [0xff000000, 0, 0, 0] }, helper: 'ipv4-tcp-ftp' }),
      control: { kind: 'drop' },
      bindOnly: false,
    });
  });

  it('reads NAT ranges and plain nat', () => {
    expect(only('ct commit nat dst addr 10.0.0.1-10.0.0.9 port 80-90 pipe').body).toEqual(
      ct({ commit: true, nat: { type: 'dst', family: 4, addrMin: ip('10.0.0.1'), addrMax: ip('10.0.0.9'), portMin: 80, portMax: 90 } }),
    );
    expect(only('ct zone 3 nat pipe').body).toEqual(ct({ zone: 3, nat: { type: 'restore' } }));
  });

  it('resolves abbreviations in parse_ct order (c is clear, com is commit)', () => {
    expect(only('ct com z 3').body).toEqual(ct({ commit: true, zone: 3 }));
    expect(only('ct c').body).toEqual(ct({ clear: true }));
  });

  it('takes index before or after the control, and binds when it is the only option', () => {
    expect(only('ct index 5')).toEqual({ body: ct(), control: PIPE, index: 5, bindOnly: true });
    expect(only('ct index 5 pipe')).toMatchObject({ index: 5, bindOnly: false });
    expect(only('ct zone 2 pipe index 6')).toMatchObject({ index: 6, bindOnly: false });
    expect(only('ct index 0')).toEqual({ body: ct(), control: PIPE, bindOnly: false });
    expect(errorOf('ct index 5 pipe index 6')).toEqual(at('ct index 5 pipe index 6', 'index', 'duplicate "index"', 2));
  });

  it('keeps nothing but clear for ct clear, as tcf_ct_fill_params stops there', () => {
    expect(only('ct clear zone 5 mark 1').body).toEqual(ct({ clear: true }));
  });

  it.each([
    ['ct clear commit', 'clear', 'ct: clear can only be used alone'],
    ['ct commit nat src addr 1.1.1.1 nat dst addr 2.2.2.2 pipe', 'nat', "ct: src and dst nat can't be used together", 2],
    ['ct commit nat pipe', 'nat', 'ct: commit and nat must set src or dst'],
    ['ct nat src addr 1.1.1.1 pipe', 'nat', 'ct: src or dst is only valid if commit is set'],
    ['ct commit nat src addr 1.1.1.1 nat src addr 1.1.1.2 pipe', 'nat', 'duplicate "nat src"', 2],
    ['ct zone 1 zone 2', 'zone', 'duplicate "zone"', 2],
    ['ct zone 70000', '70000', 'invalid zone "70000": must be 0-65535'],
    ['ct zone 1/2', '1/2', 'invalid zone "1/2": expected a number'],
    ['ct zone', 'zone', 'missing argument after "zone"'],
    ['ct commit nat src 1.1.1.1 pipe', '1.1.1.1', 'expected "addr" after "nat src"'],
    ['ct commit nat src addr 1.1.1.9-1.1.1.1 pipe', '1.1.1.9', 'invalid nat address range "1.1.1.9-1.1.1.1": the first address is above the last'],
    ['ct commit nat src addr 1.1.1.1 port 9-1', '9-1', 'invalid nat port range "9-1": the first port is above the last'],
    ['ct commit nat src addr 1.1.1.x pipe', '1.1.1.x', 'invalid nat address "1.1.1.x": expected an IPv4 address'],
    ['ct helper ftp', 'ftp', 'invalid helper "ftp": expected FAMILY-PROTO-NAME such as ipv4-tcp-ftp'],
    ['ct helper ipv5-tcp-ftp', 'ipv5', 'invalid helper "ipv5-tcp-ftp": the family must be ipv4 or ipv6'],
    ['ct help', 'help', '"help" is not supported by the simulator'],
  ])('rejects %s', (text, needle, message, nth = 1) => {
    expect(errorOf(text)).toEqual(at(text, needle, message, nth));
  });

  it('needs a word after nat and after a nat address, as m_ct.c reads one', () => {
    const more = 'iproute2 m_ct.c reads one more word here; end the action with a control such as "pipe"';
    expect(errorOf('ct nat')).toEqual(at('ct nat', 'nat', `missing argument after "nat": ${more}`));
    expect(errorOf('ct commit nat src addr 1.1.1.1')).toEqual(at('ct commit nat src addr 1.1.1.1', '1.1.1.1', `missing argument after "1.1.1.1": ${more}`));
  });
});

describe('gact', () => {
  it('reads verdicts written as the action or after gact', () => {
    expect(only('drop')).toEqual({ body: { kind: 'gact' }, control: { kind: 'drop' }, bindOnly: false });
    expect(actionsOf('gact shot action pass action ok action continue action reclassify action trap action pipe').map((a) => a.control)).toEqual([
      { kind: 'drop' },
      PASS,
      PASS,
      { kind: 'continue' },
      { kind: 'reclassify' },
      { kind: 'trap' },
      PIPE,
    ]);
    expect(only('goto chain 3 index 4')).toEqual({ body: { kind: 'gact' }, control: { kind: 'goto', chain: 3 }, index: 4, bindOnly: false });
    expect(only('d').control).toEqual({ kind: 'drop' });
  });

  it('binds with gact index N, created as pass when missing', () => {
    expect(only('gact index 7')).toEqual({ body: { kind: 'gact' }, control: PASS, index: 7, bindOnly: true });
  });

  it.each([
    ['gact foo', 'foo', 'expected a gact verdict (pass, drop, pipe, continue, reclassify, trap or goto chain N), got "foo"'],
    ['goto 3', '3', '"chain index" expected after "goto"'],
    ['goto chain 268435456', '268435456', 'invalid chain index "268435456": must be 0-268435455'],
    ['goto chain', 'chain', 'missing argument after "chain"'],
    ['jump 1', 'jump', '"jump" is not supported by the simulator: use "goto chain N"'],
    ['gact drop random determ pass 10', 'random', 'gact "random" is not supported by the simulator'],
  ])('rejects %s', (text, needle, message) => {
    expect(errorOf(text)).toEqual(at(text, needle, message));
  });
});

describe('mirred', () => {
  it('redirect is stolen, mirror pipes by default or takes a control', () => {
    expect(only('mirred egress redirect dev eth1')).toEqual({ body: { kind: 'mirred', mode: 'redirect', direction: 'egress', dev: { value: 'eth1' } }, control: { kind: 'stolen' }, bindOnly: false });
    expect(only('mirred ingress mirror dev eth1').control).toEqual(PIPE);
    expect(only('mirred egress mirror dev eth1 drop index 3')).toMatchObject({ control: { kind: 'drop' }, index: 3 });
    expect(only('mirred index 3 egress redirect dev eth1')).toMatchObject({ index: 3 });
  });

  it('reads no control after redirect: a verdict there is a separate gact, as in iproute2', () => {
    expect(actionsOf('mirred egress redirect dev eth1 pipe')).toEqual([
      { body: { kind: 'mirred', mode: 'redirect', direction: 'egress', dev: { value: 'eth1' } }, control: { kind: 'stolen' }, bindOnly: false },
      { body: { kind: 'gact' }, control: PIPE, bindOnly: false },
    ]);
  });

  it('keeps the device span for later checks', () => {
    const text = `${HEAD} mirred egress redirect dev uplink`;
    const [action] = filterOf(text).actions;
    expect(action.body).toMatchObject({ dev: { value: 'uplink', span: { line: 1, col: text.indexOf('uplink') + 1, end: text.length + 1 } } });
    expect(action.span).toEqual({ line: 1, col: text.indexOf('mirred') + 1, end: text.indexOf('mirred') + 7 });
  });

  it.each([
    ['mirred redirect dev x', 'redirect', 'was expecting egress or ingress ("redirect")'],
    ['mirred egress bounce dev x', 'bounce', 'expected "mirror" or "redirect" after "egress", got "bounce"'],
    ['mirred egress redirect', 'redirect', 'missing argument after "redirect"'],
    ['mirred egress redirect to x', 'to x', 'expected "dev DEVICE" after "redirect", got "to"'],
    ['mirred egress redirect blockid 1', 'blockid', 'mirred "blockid" is not supported by the simulator'],
    ['mirred index 3', 'index', 'binding a mirred action by "index" alone is not supported by the simulator'],
    ['mirred index 3 egress redirect dev x index 4', 'index', 'mirred: Illegal double index', 2],
    ['mirred egress redirect dev a/b', 'a/b', 'invalid device name "a/b": "/" is not allowed'],
    ['mirred egress redirect dev abcdefghijklmnop', 'abcdefghijklmnop', 'invalid device name "abcdefghijklmnop": at most 15 bytes'],
  ])('rejects %s', (text, needle, message, nth = 1) => {
    expect(errorOf(text)).toEqual(at(text, needle, message, nth));
  });
});

describe('tunnel_key', () => {
  it('reads set with all its keys, and unset', () => {
    expect(only('tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 42 dst_port 4789 tos 0x10 ttl 64 nocsum index 9')).toEqual({
      body: { kind: 'tunnel_key', op: 'set', src: ip('10.0.0.1'), dst: ip('10.0.0.2'), id: 42, dstPort: 4789, tos: 0x10, ttl: 64, noCsum: true },
      control: PIPE,
      index: 9,
      bindOnly: false,
    });
    expect(only('tunnel_key set src_ip 1.1.1.1 dst_ip 2.2.2.2').body).toMatchObject({ noCsum: false });
    expect(only('tunnel_key unset pass')).toEqual({ body: { kind: 'tunnel_key', op: 'unset' }, control: PASS, bindOnly: false });
  });

  it.each([
    ['tunnel_key', 'tunnel_key', 'missing argument after "tunnel_key"'],
    ['tunnel_key src_ip 1.1.1.1', 'tunnel_key', 'tunnel_key needs "set" or "unset"'],
    ['tunnel_key set src_ip 1.1.1.1 id 5', 'set', 'set needs tunnel_key parameters: "src_ip" and "dst_ip" are mandatory'],
    ['tunnel_key set unset', 'unset', 'unexpected "unset" - action already specified'],
    ['tunnel_key set geneve_opts 0102:80:00880022', 'geneve_opts', 'tunnel_key "geneve_opts" is not supported by the simulator'],
    ['tunnel_key set src_ip 1.1.1.1 dst_ip 2.2.2.2 id 4294967296', '4294967296', 'invalid id "4294967296": must be 0-4294967295'],
  ])('rejects %s', (text, needle, message) => {
    expect(errorOf(text)).toEqual(at(text, needle, message));
  });
});

describe('pedit', () => {
  it('reads several munges, decrement and the default pass verdict', () => {
    expect(only('pedit ex munge ip src set 1.2.3.4 munge udp dport set 53 munge ip ttl decrement munge ip tos add 4')).toEqual({
      body: {
        kind: 'pedit',
        keys: [
          { target: { layer: 'ip', field: 'src' }, op: 'set', value: ip('1.2.3.4') },
          { target: { layer: 'udp', field: 'dport' }, op: 'set', value: 53 },
          { target: { layer: 'ip', field: 'ttl' }, op: 'add', value: 0xff },
          { target: { layer: 'ip', field: 'tos' }, op: 'add', value: 4 },
        ],
      },
      control: PASS,
      bindOnly: false,
    });
  });

  it('allows legacy (non-ex) set on IP fields', () => {
    expect(only('pedit munge ip dst set 9.9.9.9 pipe')).toEqual({
      body: { kind: 'pedit', keys: [{ target: { layer: 'ip', field: 'dst' }, op: 'set', value: ip('9.9.9.9') }] },
      control: PIPE,
      bindOnly: false,
    });
  });

  it.each([
    ['pedit munge tcp dport set 1', 'tcp', "Munge parameters not supported. Use 'pedit ex munge ...'."],
    ['pedit munge ip ttl add 1', 'add 1', "Non extended mode. only 'set' command is supported"],
    ['pedit ex munge ip dst decrement', 'decrement', 'decrement command is not supported for this field'],
    ['pedit ex munge tcp sport set 70000', '70000', 'invalid tcp sport "70000": must be 0-65535'],
    ['pedit ex munge ip ttl set 256', '256', 'invalid ip ttl "256": must be 0-255'],
    ['pedit ex munge ip6 src set ::1', 'ip6', 'pedit "ip6" is not supported by the simulator'],
    ['pedit ex munge ip ihl set 5', 'ihl', 'pedit field "ip ihl" is not supported by the simulator'],
    ['pedit ex munge ip foo set 5', 'foo', 'unknown pedit field "ip foo"'],
    ['pedit ex munge ip ttl clear', 'clear', 'pedit "clear" is not supported by the simulator'],
    ['pedit ex munge ip ttl set 1 retain 0xf', 'retain', 'pedit "retain" is not supported by the simulator'],
    ['pedit ex pipe', 'pipe', 'pedit needs at least one "munge" (e.g. pedit ex munge ip dst set 10.0.0.1), got "pipe"'],
  ])('rejects %s', (text, needle, message) => {
    expect(errorOf(text)).toEqual(at(text, needle, message));
  });
});

describe('csum', () => {
  it('reads targets with their aliases and filler words; the default verdict is pass', () => {
    expect(only('csum iph and udp or tcp + icmp')).toEqual({ body: { kind: 'csum', targets: ['ip', 'icmp', 'tcp', 'udp'] }, control: PASS, bindOnly: false });
  });

  it('rejects an empty target list', () => {
    expect(errorOf('csum pipe')).toEqual(at('csum pipe', 'pipe', 'Illegal csum construct, empty <UPDATE> list'));
  });
});

describe('action lists', () => {
  it('accepts clauses without a repeated action keyword', () => {
    expect(actionsOf('ct commit mirred egress redirect dev eth1').map((a) => a.body.kind)).toEqual(['ct', 'mirred']);
  });

  it(`reads at most ${MAX_ACTIONS} actions`, () => {
    const many = Array(MAX_ACTIONS + 1).fill('pipe').join(' action ');
    expect(actionsOf(Array(MAX_ACTIONS).fill('pipe').join(' action '))).toHaveLength(MAX_ACTIONS);
    expect(errorOf(many)).toEqual(at(many, 'pipe', `at most ${MAX_ACTIONS} actions per list (TCA_ACT_MAX_PRIO)`, MAX_ACTIONS + 1));
  });

  it.each([
    ['x', 'x', 'Unknown action "x"'],
    ['police rate 1mbit burst 10k', 'police', 'action "police" is not supported by the simulator'],
    ['ct action', 'action', 'missing action after "action"'],
    ['drop cookie 123', '123', 'Error: argument "123" is wrong: cookie must be a hex string'],
    ['drop cookie 12zz', '12zz', 'Error: argument "12zz" is wrong: cookie must be a hex string'],
    ['drop cookie aa11bb22cc33dd44ee55ff66aa11b1b2ff', 'aa11bb22cc33dd44ee55ff66aa11b1b2ff', 'Error: argument "aa11bb22cc33dd44ee55ff66aa11b1b2ff" is wrong: 34 Max allowed size 32'],
    ['drop no_percpu cookie 12', 'cookie', 'Unknown action "cookie"'],
    ['drop hw_stats delayed', 'hw_stats', '"hw_stats" is not supported by the simulator'],
  ])('rejects %s', (text, needle, message) => {
    expect(errorOf(text)).toEqual(at(text, needle, message, needle === 'action' ? 2 : 1));
  });

  it('wants "action", not "actions", in flower', () => {
    const text = 'tc filter add dev eth0 ingress flower actions drop';
    expect(parseError(text)).toEqual(errorAt(text, 'actions', 'What is "actions"?: flower takes "action"'));
  });

  it('reports a missing action after the flower action keyword', () => {
    const text = 'tc filter add dev eth0 ingress flower action';
    expect(parseError(text)).toEqual(errorAt(text, 'action', 'missing argument after "action"'));
  });

  it('gives each action the span of its name', () => {
    const text = `${HEAD} ct pipe action drop`;
    const [ctAction, drop] = filterOf(text).actions;
    expect(ctAction.span).toEqual({ line: 1, col: text.indexOf(' ct ') + 2, end: text.indexOf(' ct ') + 4 });
    expect(drop.span.col).toBe(text.lastIndexOf('drop') + 1);
  });

  it('reads the generic options after an action in parse_action\'s order: cookie, then no_percpu', () => {
    expect(only('ct index 42 cookie DEADbeef no_percpu')).toEqual({ body: ct(), control: PIPE, index: 42, bindOnly: true, cookie: 'deadbeef', noPercpu: true });
    expect(actionsOf('drop cookie 01 action ct no_percpu').map((a) => [a.cookie, a.noPercpu])).toEqual([
      ['01', undefined],
      [undefined, true],
    ]);
  });

  it('reads IPv6 NAT ranges of one family', () => {
    const body = only('ct commit nat src addr 2001::1-2001::10 port 1000-2000 pipe').body as { nat: { family: number; addrMin: number; addrMax: number } };
    expect(body.nat.family).toBe(6);
    expect(formatIpv6(body.nat.addrMin)).toBe('2001::1');
    expect(formatIpv6(body.nat.addrMax)).toBe('2001::10');
    const mixed = 'ct commit nat src addr 2001::1-10.0.0.1 pipe';
    expect(errorOf(mixed)).toEqual(at(mixed, '10.0.0.1', 'invalid nat address range "2001::1-10.0.0.1": both ends must be of one family'));
    const reversed = 'ct commit nat src addr 2001::10-2001::1 pipe';
    expect(errorOf(reversed)).toEqual(at(reversed, '2001::10-2001::1', 'invalid nat address range "2001::10-2001::1": the first address is above the last'));
  });

  it('keeps ALL-ones masks for unmasked ct marks', () => {
    expect(only('ct commit mark 1').body).toMatchObject({ mark: { value: 1, mask: ALL } });
  });
});
