/**
 * Property tests: whatever the input, parseScript returns (never throws) and an error always
 * points inside the script. Inputs mix grammar words, cut and mutated real commands, raw
 * Unicode and control characters, and lines around the length limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH } from './lexer';
import { parseScript } from './parse';

const SEED = 1126;

const REAL_COMMANDS = [
  'tc qdisc add dev eth0 ingress',
  'tc filter add dev eth0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 2 pipe action goto chain 2',
  'tc filter add dev eth0 ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 2 commit mark 0xbb nat src addr 5.5.5.7 pipe action mirred egress redirect dev eth1',
  'tc filter add dev gre_sys ingress prio 2 chain 0 proto ip flower enc_dst_ip 172.168.152.75 enc_key_id 1000 enc_tos 0x0/ff dst_ip 1.1.1.7 ct_state -trk action ct zone 1 nat pipe action goto chain 1',
  'tc filter add dev enp8s0f0_0 ingress chain 0 proto ip flower ct_state -trk ip_proto tcp dst_port 8888 action pedit ex munge tcp dport set 5001 pipe action csum ip tcp pipe action ct pipe action goto chain 1',
  'tc actions add action ct commit nat src addr 5.5.5.7-5.5.6.0 port 1000-2000 index 44',
  'tc filter add dev rep0 ingress protocol ip flower action tunnel_key set src_ip 1.1.1.1 dst_ip 2.2.2.2 id 5 action mirred egress redirect dev vxlan0',
  'tc -s filter show dev eth0 ingress chain 0',
  'tc filter del dev eth0 ingress pref 1 handle 1 flower',
  'ip link add vxlan0 type vxlan id 42 dstport 4789 local 1.1.1.1 remote 2.2.2.2',
  'ip link add vm1 type veth peer name rep1',
  'ethtool -K uplink hw-tc-offload on',
  'sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1',
  'echo 1 > /proc/sys/net/netfilter/nf_conntrack_acct',
  'send dev vm1 tcp 10.0.0.1:1234 > 10.0.0.2:80 flags S count 3 interval 0.5',
  'send dev uplink icmp 9.9.9.9 > 10.0.0.1 type 3 code 4 inner udp 10.0.0.1:53 > 8.8.8.8:53',
  'connect dev vm1 tcp 10.0.0.1:1 > 10.0.0.2:80 data 3 close rst',
  'conntrack -L -w 2 -p tcp',
  'sleep 30',
  'sim profile 6.12',
  'expect conntrack zone 1 tcp 192.0.2.10:40000 > 10.0.0.1:80 state ESTABLISHED flags ASSURED,HW_OFFLOAD mark 0x10',
  'expect conntrack tcp [2001:db8::1]:1 > [2001:db8::2] absent',
  'expect filter dev uplink ingress chain 2 prio 1 handle 0x1 sw 3 hw 2 in_hw',
  'expect last path miss missed chain 2 restored chain 2 ct_state +trk+est zone 1 tunnel_id 42',
  'expect last dropped reason "tc ingress"',
  'expect hw ct count 1',
];

const VOCABULARY = [
  ...new Set(REAL_COMMANDS.flatMap((c) => c.split(' '))),
  '+trk+est', '+trk+new+est', '-new', 'ct_label', 'ffff:', 'parent', 'egress', 'replace', 'change', 'skip_hw', 'skip_sw', 'verbose',
  'clear', 'force', 'helper', 'ipv4-tcp-ftp', 'drop', 'pass', 'continue', 'reclassify', 'trap', 'goto', 'chain', 'jump', 'gact',
  'mirror', 'unset', 'decrement', 'add', 'csum', 'iph', 'index', '0', '65535', '70000', '4294967296', '0x', '010', '08', '-1',
  '1.2.3.0/33', 'fe80::1', '00:11:22:33:44:55/8', '"', "'", '\\', '$X', '${Y}', '#', '|', '>', '>>', ';', '`', 'sudo', 'tc_filter',
  '', ' ', '\t', '\u00a0', '\u0007', '\ud800', '日本', 'é',
];

const word = fc.constantFrom(...VOCABULARY);
const anyChar = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })).map((c) => String.fromCharCode(c));

const randomWords = fc.array(word, { maxLength: 30 }).map((w) => w.join(' '));
const truncated = fc.tuple(fc.constantFrom(...REAL_COMMANDS), fc.nat()).map(([cmd, n]) => {
  const w = cmd.split(' ');
  return w.slice(0, n % (w.length + 1)).join(' ');
});
const mutated = fc.tuple(fc.constantFrom(...REAL_COMMANDS), fc.nat(), fc.oneof(word, fc.string({ maxLength: 8 }), fc.string({ unit: anyChar, maxLength: 8 }))).map(([cmd, n, replacement]) => {
  const w = cmd.split(' ');
  w[n % w.length] = replacement;
  return w.join(' ');
});
const rawUnicode = fc.string({ unit: anyChar, maxLength: 200 });
const longLine = fc.tuple(fc.constantFrom('x', '"', '$', '\\', '+', ' ', 'tc '), fc.integer({ min: MAX_LINE_LENGTH - 20, max: MAX_LINE_LENGTH + 20 })).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

const line = fc.oneof(randomWords, truncated, mutated, rawUnicode, longLine);
const separator = fc.constantFrom('\n', '\r\n', ' \\\n', '\n\n');
const script = fc.array(fc.tuple(line, separator), { maxLength: 8 }).map((parts) => parts.map(([l, s]) => l + s).join(''));

function checkResult(text: string): void {
  const r = parseScript(text);
  const lines = text.split('\n');
  expect(r.commands.length).toBeLessThanOrEqual(lines.length * 2);
  if (r.ok) return;
  const { line: n, col, message } = r.error;
  expect(n).toBeGreaterThanOrEqual(1);
  expect(n).toBeLessThanOrEqual(lines.length);
  expect(col).toBeGreaterThanOrEqual(1);
  expect(col).toBeLessThanOrEqual(lines[n - 1].length + 1);
  expect(message).not.toBe('');
  expect(message).not.toMatch(/internal parser error/);
}

describe('parseScript robustness', () => {
  it(`never throws and always points inside the script (fast-check seed ${SEED}, 2000 runs)`, () => {
    fc.assert(
      fc.property(script, (text) => {
        checkResult(text);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  // A catastrophic (super-linear) path would hang here; the test timeout catches that.
  it('parses adversarial maximum-length lines without throwing', () => {
    const adversarial = ['"', "'", '\\', '$', '+', '-', '/', ':', '0', 'ct_state ', 'action ', '> ', '\\\n'];
    for (const unit of adversarial) {
      const body = unit.repeat(Math.floor(MAX_LINE_LENGTH / unit.length));
      checkResult(Array(8).fill(`tc filter add dev e ingress protocol ip flower ct_state ${body}`).join('\n'));
      checkResult(`echo ${body}`);
      checkResult(`send dev d tcp ${body}`);
    }
  });
});
