/**
 * Action lists (iproute2 tc/m_action.c parse_action) and the actions the simulator models:
 * gact, mirred, tunnel_key, pedit, csum (ct lives in parse-ct-action.ts). Each parser follows
 * its iproute2 module's grammar and default control verdict.
 */
import type { ActionSpec, CsumSpec, PeditField, PeditKey, TunnelKeySpec } from './ast';
import { Cursor, keywordOf, matches, Once, prefix, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { indexValue, isControlWord, parseControl, parseIndex, PASS, PIPE, STOLEN } from './parse-control';
import { parseCtAction } from './parse-ct-action';
import { ifname, ipv4, uint, U16, U32, U8 } from './values';

/** TCA_ACT_MAX_PRIO: the kernel reads at most 32 actions per list. */
export const MAX_ACTIONS = 32;

/** Real tc actions the simulator does not model. */
const UNSUPPORTED_ACTIONS = new Set(['bpf', 'connmark', 'ctinfo', 'gate', 'ife', 'ipt', 'mpls', 'nat', 'police', 'sample', 'simple', 'skbedit', 'skbmod', 'vlan', 'xt']);

const GACT = Object.freeze({ kind: 'gact' } as const);

/** `gact VERDICT [index N]`, `gact index N`, or a bare verdict such as `drop` (m_gact.c parse_gact). */
function parseGact(c: Cursor, kind: Token): ActionSpec {
  const span = spanOf(kind);
  if (kind.text === 'gact') {
    const next = c.value(kind);
    if (matches(next.text, 'index')) {
      // Binds to an existing gact; iproute2 sends action 0 (pass) in case it has to be created.
      const index = indexValue(c, next);
      return { body: GACT, control: PASS, index, bindOnly: index !== undefined, span };
    }
    c.unread();
  }
  const verdictTok = c.peek()!;
  const control = parseControl(c);
  if (!control) failAt(verdictTok, `expected a gact verdict (pass, drop, pipe, continue, reclassify, trap or goto chain N), got "${verdictTok.text}"`);
  const random = c.peek();
  if (random && matches(random.text, 'random')) failAt(random, 'gact "random" is not supported by the simulator');
  return { body: GACT, control, index: parseIndex(c), bindOnly: false, span };
}

/**
 * `mirred [index N] egress|ingress mirror|redirect dev DEV [CONTROL] [index N]` (m_mirred.c
 * parse_direction): redirect is `stolen` and reads no control, so a verdict written after it
 * becomes a separate gact action, as with iproute2; mirror defaults to `pipe`.
 */
function parseMirred(c: Cursor, kind: Token): ActionSpec {
  let index: number | undefined;
  let dirTok = c.value(kind);
  if (matches(dirTok.text, 'index')) {
    index = indexValue(c, dirTok);
    const next = c.take();
    if (!next) failAt(dirTok, 'binding a mirred action by "index" alone is not supported by the simulator');
    dirTok = next;
  }
  const direction = keywordOf(dirTok, prefix('egress', 'ingress'));
  if (!direction) failAt(dirTok, `was expecting egress or ingress ("${dirTok.text}")`);
  const modeTok = c.value(dirTok);
  const mode = keywordOf(modeTok, prefix('mirror', 'redirect'));
  if (!mode) failAt(modeTok, `expected "mirror" or "redirect" after "${direction}", got "${modeTok.text}"`);
  const devKw = c.value(modeTok);
  if (devKw.text === 'blockid') failAt(devKw, 'mirred "blockid" is not supported by the simulator');
  if (!matches(devKw.text, 'dev')) failAt(devKw, `expected "dev DEVICE" after "${mode}", got "${devKw.text}"`);
  const dev = ifname(c.value(devKw));
  const control = mode === 'mirror' ? (parseControl(c) ?? PIPE) : STOLEN;
  const tail = c.peek();
  if (index !== undefined && tail && matches(tail.text, 'index')) failAt(tail, 'mirred: Illegal double index');
  index ??= parseIndex(c);
  return { body: { kind: 'mirred', mode, direction, dev }, control, index, bindOnly: false, span: spanOf(kind) };
}

const TUNNEL_KEY_CHAIN = prefix('unset', 'set', 'src_ip', 'dst_ip', 'id', 'dst_port', 'geneve_opts', 'vxlan_opts', 'erspan_opts', 'gtp_opts', 'tos', 'ttl', 'csum', 'nocsum', 'help');

/** `tunnel_key set src_ip A dst_ip B [id N] [dst_port P] [tos T] [ttl T] [csum|nocsum]` or `tunnel_key unset` (m_tunnel_key.c). */
function parseTunnelKey(c: Cursor, kind: Token): ActionSpec {
  if (c.done) failAt(kind, 'missing argument after "tunnel_key"');
  const once = new Once();
  let opTok: Token | undefined;
  const set: TunnelKeySpec = { kind: 'tunnel_key', op: 'set', noCsum: false };
  for (let kw = c.peek(); kw; kw = c.peek()) {
    const opt = keywordOf(kw, TUNNEL_KEY_CHAIN);
    if (!opt) break;
    c.take();
    if (opt === 'set' || opt === 'unset') {
      if (opTok) failAt(kw, `unexpected "${kw.text}" - action already specified`);
      opTok = kw;
      set.op = opt;
      continue;
    }
    once.mark(opt === 'nocsum' ? 'csum' : opt, kw);
    switch (opt) {
      case 'src_ip':
        set.src = ipv4(c.value(kw), 'src_ip');
        break;
      case 'dst_ip':
        set.dst = ipv4(c.value(kw), 'dst_ip');
        break;
      case 'id':
        set.id = uint(c.value(kw), 'id', U32, 10);
        break;
      case 'dst_port':
        set.dstPort = uint(c.value(kw), 'dst_port', U16, 10);
        break;
      case 'tos':
        set.tos = uint(c.value(kw), 'tos', U8, 'dec-or-hex');
        break;
      case 'ttl':
        set.ttl = uint(c.value(kw), 'ttl', U8, 'dec-or-hex');
        break;
      case 'csum':
      case 'nocsum':
        set.noCsum = opt === 'nocsum';
        break;
      default:
        failAt(kw, `tunnel_key "${opt}" is not supported by the simulator`);
    }
  }
  if (!opTok) failAt(kind, 'tunnel_key needs "set" or "unset"');
  if (set.op === 'set' && (set.src === undefined || set.dst === undefined)) failAt(opTok, 'set needs tunnel_key parameters: "src_ip" and "dst_ip" are mandatory');
  // The kernel ignores the tunnel parameters of `unset` (TCA_TUNNEL_KEY_ACT_RELEASE).
  const body: TunnelKeySpec = set.op === 'unset' ? { kind: 'tunnel_key', op: 'unset' } : set;
  return { body, control: parseControl(c) ?? PIPE, index: parseIndex(c), bindOnly: false, span: spanOf(kind) };
}

/** Header fields of p_ip.c / p_tcp.c / p_udp.c that the simulator can rewrite, and those it cannot. */
const IP_FIELDS = new Set(['src', 'dst', 'tos', 'ttl']);
const OTHER_IP_FIELDS = new Set(['ihl', 'protocol', 'precedence', 'nofrag', 'firstfrag', 'ce', 'df', 'mf', 'dport', 'sport', 'icmp_type', 'icmp_code']);

function peditField(layerTok: Token, fieldTok: Token, extended: boolean): PeditField {
  const layer = layerTok.text;
  const field = fieldTok.text;
  if (layer === 'ip') {
    if (IP_FIELDS.has(field)) return { layer, field: field as 'src' | 'dst' | 'tos' | 'ttl' };
    if (matches(field, 'dsfield')) return { layer, field: 'tos' };
    if (OTHER_IP_FIELDS.has(field)) failAt(fieldTok, `pedit field "ip ${field}" is not supported by the simulator`);
    failAt(fieldTok, `unknown pedit field "ip ${field}"`);
  }
  if (layer === 'tcp' || layer === 'udp') {
    // p_tcp.c/p_udp.c keys are transport-header relative: only extended pedit can carry them.
    if (!extended) failAt(layerTok, "Munge parameters not supported. Use 'pedit ex munge ...'.");
    if (field === 'sport' || field === 'dport') return { layer, field };
    if (layer === 'tcp' && field === 'flags') failAt(fieldTok, 'pedit field "tcp flags" is not supported by the simulator');
    failAt(fieldTok, `unknown pedit field "${layer} ${field}"`);
  }
  if (matches(layer, 'offset') || ['ip6', 'eth', 'icmp'].includes(layer)) failAt(layerTok, `pedit "${layer}" is not supported by the simulator`);
  return failAt(layerTok, `unknown pedit header "${layer}": use ip, tcp or udp`);
}

/** `munge LAYER FIELD set|add VALUE | munge ip ttl decrement` (m_pedit.c parse_munge/parse_cmd). */
function parseMunge(c: Cursor, munge: Token, extended: boolean): PeditKey {
  const layerTok = c.value(munge);
  const fieldTok = c.value(layerTok);
  const target = peditField(layerTok, fieldTok, extended);
  const cmdTok = c.value(fieldTok);
  const cmd = keywordOf(cmdTok, prefix('invert', 'set', 'add', 'decrement', 'preserve', 'clear'));
  const nonExtended = () => failAt(cmdTok, "Non extended mode. only 'set' command is supported");
  let key: PeditKey;
  if (cmd === 'set' || cmd === 'add') {
    if (cmd === 'add' && !extended) nonExtended();
    const v = c.value(cmdTok);
    const what = `${layerTok.text} ${fieldTok.text}`;
    const value = target.field === 'src' || target.field === 'dst' ? ipv4(v, what) : uint(v, what, target.layer === 'ip' ? U8 : U16);
    key = { target, op: cmd, value };
  } else if (cmd === 'decrement') {
    if (target.field !== 'ttl') failAt(cmdTok, 'decrement command is not supported for this field');
    if (!extended) nonExtended();
    // iproute2 decrements by adding 0xff to the byte.
    key = { target, op: 'add', value: U8 };
  } else if (cmd) {
    return failAt(cmdTok, `pedit "${cmd}" is not supported by the simulator`);
  } else {
    return failAt(cmdTok, `expected set, add or decrement, got "${cmdTok.text}"`);
  }
  const retain = c.peek();
  if (retain && matches(retain.text, 'retain')) failAt(retain, 'pedit "retain" is not supported by the simulator');
  return key;
}

/** `pedit [ex] munge … [munge …] [CONTROL] [index N]`; the default verdict is pass (TC_ACT_OK). */
function parsePedit(c: Cursor, kind: Token): ActionSpec {
  const first = c.value(kind);
  const extended = matches(first.text, 'ex');
  if (extended) c.value(first);
  c.unread();
  const keys: PeditKey[] = [];
  for (let t = c.peek(); t && !t.op && matches(t.text, 'munge'); t = c.peek()) {
    c.take();
    keys.push(parseMunge(c, t, extended));
  }
  if (keys.length === 0) {
    const got = c.peek();
    failAt(got ?? kind, `pedit needs at least one "munge" (e.g. pedit ex munge ip dst set 10.0.0.1)${got ? `, got "${got.text}"` : ''}`);
  }
  return { body: { kind: 'pedit', keys }, control: parseControl(c) ?? PASS, index: parseIndex(c), bindOnly: false, span: spanOf(kind) };
}

const CSUM_CHAIN = prefix('iph', 'ip4h', 'ipv4h', 'icmp', 'igmp', 'tcp', 'udp', 'udplite', 'sctp', 'and', 'or', '+');
/** Checksum targets in the order tc prints them; `ip` is the IPv4 header. */
export const CSUM_TARGETS = ['ip', 'icmp', 'igmp', 'tcp', 'udp', 'udplite', 'sctp'] as const;

/** `csum TARGET… [CONTROL] [index N]` (m_csum.c); the default verdict is pass. */
function parseCsum(c: Cursor, kind: Token): ActionSpec {
  const first = c.value(kind);
  if (first.text === 'index') failAt(first, 'binding a csum action by "index" alone is not supported by the simulator');
  c.unread();
  const wanted = new Set<string>();
  for (let t = c.peek(); t; t = c.peek()) {
    const target = keywordOf(t, CSUM_CHAIN);
    if (!target) break;
    c.take();
    if (target === 'iph' || target === 'ip4h' || target === 'ipv4h') wanted.add('ip');
    else if (target !== 'and' && target !== 'or' && target !== '+') wanted.add(target);
  }
  if (wanted.size === 0) failAt(first, 'Illegal csum construct, empty <UPDATE> list');
  const body: CsumSpec = { kind: 'csum', targets: CSUM_TARGETS.filter((t) => wanted.has(t)) };
  return { body, control: parseControl(c) ?? PASS, index: parseIndex(c), bindOnly: false, span: spanOf(kind) };
}

function parseAction(c: Cursor): ActionSpec {
  const kind = c.take()!;
  if (isControlWord(kind)) {
    c.unread();
    return parseGact(c, kind);
  }
  switch (kind.op ? '' : kind.text) {
    case 'ct':
      return parseCtAction(c, kind);
    case 'gact':
      return parseGact(c, kind);
    case 'mirred':
      return parseMirred(c, kind);
    case 'tunnel_key':
      return parseTunnelKey(c, kind);
    case 'pedit':
      return parsePedit(c, kind);
    case 'csum':
      return parseCsum(c, kind);
  }
  if (UNSUPPORTED_ACTIONS.has(kind.text)) failAt(kind, `action "${kind.text}" is not supported by the simulator`);
  return failAt(kind, `Unknown action "${kind.text}"`);
}

/** TC_COOKIE_MAX_SIZE: an action cookie holds at most 16 bytes. */
const COOKIE_MAX_BYTES = 16;

/**
 * The options parse_action (tc/m_action.c) reads after any action, in its fixed order:
 * `cookie HEX`, `hw_stats TYPE` (not modelled), `no_percpu`.
 */
function parseActionExtras(c: Cursor, spec: ActionSpec): void {
  let t = c.peek();
  if (t && !t.op && t.text === 'cookie') {
    c.take();
    const v = c.value(t);
    if (v.text.length > COOKIE_MAX_BYTES * 2) failAt(v, `Error: argument "${v.text}" is wrong: ${v.text.length} Max allowed size ${COOKIE_MAX_BYTES * 2}`);
    if (v.text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v.text)) failAt(v, `Error: argument "${v.text}" is wrong: cookie must be a hex string`);
    if (v.text.length > 0) spec.cookie = v.text.toLowerCase();
    t = c.peek();
  }
  if (t && matches(t.text, 'hw_stats')) failAt(t, `"${t.text}" is not supported by the simulator`);
  if (t && !t.op && t.text === 'no_percpu') {
    c.take();
    spec.noPercpu = true;
  }
}

/**
 * Action clauses up to the end of the command. The first is already past its `action`
 * keyword; later ones may repeat it or start right at the action's name, as in iproute2.
 */
export function parseActionList(c: Cursor): ActionSpec[] {
  const actions: ActionSpec[] = [];
  let pending: Token | undefined;
  while (!c.done) {
    const t = c.peek()!;
    if (!t.op && t.text === 'action') {
      c.take();
      pending = t;
      continue;
    }
    if (actions.length === MAX_ACTIONS) failAt(t, `at most ${MAX_ACTIONS} actions per list (TCA_ACT_MAX_PRIO)`);
    const spec = parseAction(c);
    parseActionExtras(c, spec);
    actions.push(spec);
    pending = undefined;
  }
  if (pending) failAt(pending, 'missing action after "action"');
  return actions;
}
