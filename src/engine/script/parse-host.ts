/**
 * Host tools around tc: `ip link` (iproute2 ip/iplink.c, iplink_vxlan.c, link_veth.c),
 * `ethtool -K`, `sysctl -w` and `echo V > /proc/sys/…`,
 * `cat /proc/net/nf_conntrack`, and the simulator's `sleep` and `sim`.
 */
import { isProfileName, unknownProfileMessage } from '../profile';
import type { Command, Span, Spanned } from './ast';
import { Cursor, keywordOf, matches, Once, prefix, spanOf, spanned } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { MAX_WAIT_SECONDS } from './parse-packet';
import { ifname, ipv4, seconds, uint, U16, U32 } from './values';

const IP_OBJECTS = prefix(
  'address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp',
  'fou', 'ila', 'macsec', 'tunnel', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm',
  'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'stats', 'help',
);
const LINK_COMMANDS = prefix('add', 'set', 'change', 'replace', 'delete', 'show', 'lst', 'list', 'xstats', 'afstats', 'property', 'help');
/** iplink_parse options the simulator does not model (devices are always up). */
const OTHER_LINK_OPTIONS = new Set(['up', 'down', 'mtu', 'address', 'broadcast', 'brd', 'netns', 'link', 'master', 'nomaster', 'txqueuelen', 'qlen', 'alias', 'group', 'index', 'vf', 'numtxqueues', 'numrxqueues', 'addrgenmode', 'arp', 'multicast', 'allmulticast', 'promisc', 'protodown']);

/** iplink_vxlan.c's if-chain order, so abbreviations resolve the same way. */
const VXLAN_OPTIONS = prefix(
  'id', 'vni', 'group', 'remote', 'local', 'dev', 'ttl', 'hoplimit', 'tos', 'dsfield', 'label', 'flowlabel', 'ageing',
  'maxaddress', 'port', 'srcport', 'dstport', 'nolearning', 'learning', 'noproxy', 'proxy', 'norsc', 'rsc',
  'nol2miss', 'l2miss', 'nol3miss', 'l3miss', 'udpcsum', 'noudpcsum', 'udp6zerocsumtx', 'noudp6zerocsumtx',
  'udp6zerocsumrx', 'noudp6zerocsumrx', 'remcsumtx', 'noremcsumtx', 'remcsumrx', 'noremcsumrx', 'external',
  'noexternal', 'gbp', 'gpe', 'df', 'vnifilter',
);

/**
 * The port a VXLAN device listens on when `dstport` is not given: the vxlan module's udp_port
 * default (drivers/net/vxlan/vxlan_core.c), not the IANA 4789 — iproute2 warns about exactly this.
 */
export const VXLAN_KERNEL_DEFAULT_PORT = 8472;

function parseVxlanLink(c: Cursor, name: Spanned<string>, typeTok: Token, span: Span): Command {
  const once = new Once();
  let vni: number | undefined;
  let external = false;
  let dstPort = VXLAN_KERNEL_DEFAULT_PORT;
  let local: number | undefined;
  let remote: number | undefined;
  for (let kw = c.take(); kw; kw = c.take()) {
    const opt = keywordOf(kw, VXLAN_OPTIONS);
    if (!opt) failAt(kw, `vxlan: unknown command "${kw.text}"?`);
    once.mark(opt === 'vni' ? 'id' : opt === 'noexternal' ? 'external' : opt, kw);
    switch (opt) {
      case 'id':
      case 'vni':
        vni = uint(c.value(kw), 'id', 0xffffff, 0);
        break;
      case 'remote':
        remote = ipv4(c.value(kw), 'remote');
        break;
      case 'local':
        local = ipv4(c.value(kw), 'local');
        break;
      case 'dstport':
        // `dstport 0` asks for the kernel default, as iproute2's warning says.
        dstPort = uint(c.value(kw), 'dstport', U16, 0) || VXLAN_KERNEL_DEFAULT_PORT;
        break;
      case 'external':
      case 'noexternal':
        external = opt === 'external';
        break;
      default:
        failAt(kw, `vxlan "${opt}" is not supported by the simulator`);
    }
  }
  if (vni === undefined && !external) failAt(typeTok, 'vxlan: missing virtual network identifier (add "id VNI" or "external")');
  if (vni !== undefined && external) failAt(typeTok, "vxlan: both 'external' and vni cannot be specified");
  return { kind: 'ip.link.add', name, type: 'vxlan', vni, external, dstPort, local, remote, span };
}

/** A link name given as `name N`, `dev N` or just `N`. */
function linkName(c: Cursor, kw: Token): Token {
  return kw.text === 'name' || kw.text === 'dev' ? c.value(kw) : kw;
}

function parseLinkAdd(c: Cursor, op: Token): Command {
  let name: Spanned<string> | undefined;
  let typeKw: Token | undefined;
  while (!typeKw) {
    const kw = c.take();
    if (!kw) break;
    if (!kw.op && matches(kw.text, 'type')) {
      typeKw = kw;
    } else if (OTHER_LINK_OPTIONS.has(kw.text)) {
      failAt(kw, `ip link "${kw.text}" is not supported by the simulator`);
    } else {
      const nameTok = linkName(c, kw);
      if (name) failAt(nameTok, `Error: either "dev" is duplicate, or "${nameTok.text}" is a garbage.`);
      name = ifname(nameTok);
    }
  }
  if (!name) failAt(op, 'missing device name');
  if (!typeKw) failAt(op, 'missing "type" (vxlan, veth or dummy)');
  const typeTok = c.value(typeKw);
  const span = spanOf(op);
  switch (typeTok.text) {
    case 'vxlan':
      return parseVxlanLink(c, name, typeTok, span);
    case 'dummy':
      c.end();
      return { kind: 'ip.link.add', name, type: 'dummy', span };
    case 'veth': {
      const peerKw = c.take();
      if (!peerKw || peerKw.text !== 'peer') failAt(peerKw ?? typeTok, 'veth needs "peer name PEER"');
      const peer = ifname(linkName(c, c.value(peerKw)));
      c.end();
      return { kind: 'ip.link.add', name, type: 'veth', peer, span };
    }
    default:
      return failAt(typeTok, `link type "${typeTok.text}" is not supported by the simulator: use vxlan, veth or dummy`);
  }
}

export function parseIp(c: Cursor, ip: Token): Command {
  const object = c.value(ip);
  if (object.text.startsWith('-')) failAt(object, `ip option "${object.text}" is not supported by the simulator`);
  const name = keywordOf(object, IP_OBJECTS);
  if (name !== 'link') {
    if (name === undefined) failAt(object, `Object "${object.text}" is unknown, try "ip help".`);
    failAt(object, `"ip ${name}" is not supported by the simulator`);
  }
  const op = c.value(object);
  const cmd = keywordOf(op, LINK_COMMANDS);
  if (cmd === 'add') return parseLinkAdd(c, op);
  if (cmd === 'delete') {
    const nameTok = linkName(c, c.value(op));
    c.end();
    return { kind: 'ip.link.del', name: ifname(nameTok), span: spanOf(op) };
  }
  if (cmd === undefined) failAt(op, `Command "${op.text}" is unknown, try "ip link help".`);
  return failAt(op, `"ip link ${cmd}" is not supported by the simulator${cmd === 'set' ? ' (devices are always up)' : ''}`);
}

/** `ethtool -K|--features|--offload DEV hw-tc-offload on|off`. */
export function parseEthtool(c: Cursor, cmd: Token): Command {
  const opt = c.value(cmd);
  if (!['-K', '--features', '--offload'].includes(opt.text)) failAt(opt, `ethtool "${opt.text}" is not supported by the simulator: use ethtool -K DEV hw-tc-offload on|off`);
  const dev = ifname(c.value(opt));
  const feature = c.take();
  if (!feature) failAt(opt, 'missing feature: hw-tc-offload on|off');
  if (feature.text !== 'hw-tc-offload') failAt(feature, `feature "${feature.text}" is not supported by the simulator: only hw-tc-offload`);
  const value = c.value(feature);
  if (value.text !== 'on' && value.text !== 'off') failAt(value, `invalid value "${value.text}": expected on or off`);
  const extra = c.peek();
  if (extra?.text === 'hw-tc-offload') failAt(extra, 'duplicate "hw-tc-offload"');
  c.end();
  return { kind: 'ethtool.feature', dev, feature: 'hw-tc-offload', on: value.text === 'on', span: spanOf(cmd) };
}

/** Characters [from, to) of a token as a spanned value (the whole token when quoting hides columns). */
function slice(t: Token, from: number, to: number): Spanned<string> {
  const value = t.text.slice(from, to);
  if (t.quoted) return { value, span: spanOf(t) };
  return { value, span: { line: t.line, col: t.col + from, end: t.col + to } };
}

/** `sysctl [-w] [-q] KEY=VALUE…`: one sysctl command per assignment. */
export function parseSysctl(c: Cursor, cmd: Token): Command[] {
  const out: Command[] = [];
  for (let t = c.take(); t; t = c.take()) {
    if (['-w', '--write', '-q', '--quiet'].includes(t.text)) continue;
    if (t.text.startsWith('-')) failAt(t, `sysctl option "${t.text}" is not supported by the simulator`);
    const eq = t.text.indexOf('=');
    if (eq <= 0) failAt(t, `expected KEY=VALUE, got "${t.text}" (reading sysctls is not supported by the simulator)`);
    out.push({ kind: 'sysctl', key: slice(t, 0, eq), value: slice(t, eq + 1, t.text.length), span: spanOf(cmd) });
  }
  if (out.length === 0) failAt(cmd, 'missing KEY=VALUE');
  return out;
}

const PROC_SYS = '/proc/sys/';

/** `echo TEXT…`, or `echo V > /proc/sys/KEY`, which users paste to set a sysctl. */
export function parseEcho(c: Cursor, cmd: Token): Command {
  const words: Token[] = [];
  for (let t = c.take(); t; t = c.take()) {
    if (!t.op) {
      words.push(t);
      continue;
    }
    const file = c.value(t);
    c.end();
    if (!file.text.startsWith(PROC_SYS) || file.text.length === PROC_SYS.length) {
      failAt(file, `redirection to "${file.text}" is not supported: only /proc/sys/… (a sysctl)`);
    }
    if (words.length !== 1) failAt(words[1] ?? t, 'expected one value before ">"');
    const key = file.text.slice(PROC_SYS.length).replace(/\//g, '.');
    return { kind: 'sysctl', key: { value: key, span: spanOf(file) }, value: spanned(words[0]), span: spanOf(cmd) };
  }
  return { kind: 'echo', text: words.map((w) => w.text).join(' '), span: spanOf(cmd) };
}

export function parseCat(c: Cursor, cmd: Token): Command {
  const file = c.value(cmd);
  if (file.text !== '/proc/net/nf_conntrack') failAt(file, `cat "${file.text}" is not supported by the simulator: only /proc/net/nf_conntrack`);
  c.end();
  return { kind: 'proc.conntrack', span: spanOf(cmd) };
}

export function parseSleep(c: Cursor, cmd: Token): Command {
  const secs = seconds(c.value(cmd), 'sleep', MAX_WAIT_SECONDS);
  c.end();
  return { kind: 'sleep', seconds: secs, span: spanOf(cmd) };
}

/** `sim KEY VALUE`; the seed and the kernel profile are checked here, other keys by the simulator. */
const SIM_SHOW = ['nic', 'throughput', 'ovs'] as const;

export function parseSim(c: Cursor, cmd: Token): Command {
  const key = c.value(cmd);
  const value = c.value(key);
  c.end();
  if (key.text === 'show') {
    const what = SIM_SHOW.find((w) => w === value.text);
    if (!what) failAt(value, `unknown "sim show ${value.text}": use ${SIM_SHOW.join(', ')}`);
    return { kind: 'sim.show', what, span: spanOf(cmd) };
  }
  if (key.text === 'seed') uint(value, 'seed', U32, 'dec-or-0x');
  if (key.text === 'profile' && !isProfileName(value.text)) failAt(value, unknownProfileMessage(value.text));
  return { kind: 'sim.set', key: spanned(key), value: spanned(value), span: spanOf(cmd) };
}
