/**
 * `expect …`: the simulator's own assertions on the state at a point of virtual time (the
 * scenario checks' language; README "Expectations"). Keywords are spelt out in full (no
 * iproute2 abbreviations): an assertion is read more often than it is typed.
 *
 *   expect conntrack [zone Z] PROTO SRC[:SPORT] > DST[:DPORT] [state S] [flags F,…|none] [mark M]
 *   expect conntrack [zone Z] PROTO SRC[:SPORT] > DST[:DPORT] absent
 *   expect conntrack [zone Z] count N
 *   expect filter dev DEV ingress|egress [chain C] prio P [handle H] [sw N] [hw N] [in_hw|not_in_hw]
 *   expect flowtable zone Z count N
 *   expect hw ct count N | expect hw queue N
 *   expect last path software|hardware|miss|dropped [missed chain C] [restored KEY VALUE…]
 *   expect last delivered DEV | expect last dropped [reason TEXT]
 */
import { TCP_STATE_NAMES } from '../conntrack/types';
import { EXPECT_CT_FLAGS, type Command, type ExpectCheck, type ExpectCtFlag, type ExpectPath, type ExpectRestored, type ExpectTuple, type Hook } from './ast';
import { Cursor, Once, positionIn, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { parseCtState } from './parse-flower';
import { endpoint, type Proto } from './parse-packet';
import { ifname, uint, U16, U32 } from './values';

const NUM = 'dec-or-0x';
const PROTOS: readonly Proto[] = ['tcp', 'udp', 'icmp', 'icmp6'];
const PATHS: readonly ExpectPath[] = ['software', 'hardware', 'miss', 'dropped'];
/** TCP states as conntrack -L prints them (NONE is no state a tracked entry shows). */
const TCP_STATES = TCP_STATE_NAMES.filter((s) => s !== 'NONE');

/** The next word, which must be one of `words`. */
function oneOf<W extends string>(c: Cursor, after: Token, words: readonly W[], what: string): [W, Token] {
  const t = c.take();
  if (!t || t.op) failAt(t ?? after, `missing ${what} after "${after.text}" (${words.join(', ')})`);
  const w = words.find((x) => x === t.text);
  if (!w) failAt(t, `unknown ${what} "${t.text}" (${words.join(', ')})`);
  return [w, t];
}

/** `KEYWORD N`: the number after a keyword. */
function numberAfter(c: Cursor, kw: Token, max = U32): number {
  return uint(c.value(kw), kw.text, max, NUM);
}

function tuple(c: Cursor, protoTok: Token): ExpectTuple {
  const proto = PROTOS.find((p) => p === protoTok.text && !protoTok.op);
  if (!proto) failAt(protoTok, `expected "count" or a tuple (${PROTOS.join(', ')} SRC > DST), got "${protoTok.text}"`);
  const srcTok = c.value(protoTok);
  const arrow = c.take();
  if (!arrow || !arrow.op) failAt(arrow ?? srcTok, 'expected ">" between source and destination');
  const src = endpoint(srcTok, proto, 'source', true);
  const dstTok = c.value(arrow);
  const dst = endpoint(dstTok, proto, 'destination', true);
  if (dst.family !== src.family) failAt(dstTok, `the source is IPv${src.family} and the destination IPv${dst.family}: both ends must be of one family`);
  if (proto === 'icmp' && src.family === 6) failAt(protoTok, 'ICMP over IPv6 is "icmp6"');
  if (proto === 'icmp6' && src.family === 4) failAt(protoTok, '"icmp6" needs IPv6 addresses (ICMP over IPv4 is "icmp")');
  return { proto, family: src.family, src: src.addr, dst: dst.addr, sport: src.port, dport: dst.port };
}

/** `flags ASSURED,HW_OFFLOAD` or `flags none`: the exact set of status flags. */
function ctFlags(t: Token): ExpectCtFlag[] {
  if (t.text === 'none') return [];
  const flags: ExpectCtFlag[] = [];
  let at = 0;
  for (const word of t.text.split(',')) {
    const flag = EXPECT_CT_FLAGS.find((f) => f === word);
    if (!flag) failAt(positionIn(t, at), `unknown conntrack flag "${word}" (${EXPECT_CT_FLAGS.join(', ')}, or none)`);
    if (flags.includes(flag)) failAt(positionIn(t, at), `duplicate conntrack flag "${word}"`);
    flags.push(flag);
    at += word.length + 1;
  }
  return flags;
}

function conntrack(c: Cursor, kw: Token): ExpectCheck {
  let zone: number | undefined;
  let t = c.value(kw);
  if (t.text === 'zone') {
    zone = numberAfter(c, t, U16);
    t = c.value(t);
  }
  if (t.text === 'count') {
    const count = numberAfter(c, t);
    c.end();
    return { kind: 'conntrack.count', ...(zone === undefined ? {} : { zone }), count };
  }
  const tup = tuple(c, t);
  const base = { ...(zone === undefined ? {} : { zone }), tuple: tup };
  if (c.peek()?.text === 'absent') {
    c.take();
    c.end();
    return { kind: 'conntrack.absent', ...base };
  }
  const check: Extract<ExpectCheck, { kind: 'conntrack.entry' }> = { kind: 'conntrack.entry', ...base };
  const once = new Once();
  for (let o = c.take(); o; o = c.take()) {
    once.mark(o.text, o);
    switch (o.op ? '' : o.text) {
      case 'state': {
        if (tup.proto !== 'tcp') failAt(o, `"state" is for tcp entries (conntrack -L prints no state for ${tup.proto})`);
        const v = c.value(o);
        if (!TCP_STATES.includes(v.text)) failAt(v, `unknown TCP state "${v.text}" (${TCP_STATES.join(', ')})`);
        check.state = v.text;
        break;
      }
      case 'flags':
        check.flags = ctFlags(c.value(o));
        break;
      case 'mark':
        check.mark = numberAfter(c, o);
        break;
      default:
        failAt(o, `unexpected "${o.text}" (state, flags, mark, or absent)`);
    }
  }
  return check;
}

function filter(c: Cursor, kw: Token): ExpectCheck {
  const devKw = c.take();
  if (!devKw || devKw.text !== 'dev') failAt(devKw ?? kw, 'expected "dev DEV" after "filter"');
  const dev = ifname(c.value(devKw));
  const [hook] = oneOf<Hook>(c, devKw, ['ingress', 'egress'], 'hook');
  const check: Extract<ExpectCheck, { kind: 'filter' }> = { kind: 'filter', dev, hook, chain: 0, prio: 0 };
  const once = new Once();
  let prio: number | undefined;
  for (let o = c.take(); o; o = c.take()) {
    once.mark(o.text === 'not_in_hw' ? 'in_hw' : o.text, o);
    switch (o.op ? '' : o.text) {
      case 'chain':
        check.chain = numberAfter(c, o);
        break;
      case 'prio':
        prio = numberAfter(c, o, U16);
        break;
      case 'handle':
        check.handle = numberAfter(c, o);
        break;
      case 'sw':
        check.sw = numberAfter(c, o, Number.MAX_SAFE_INTEGER);
        break;
      case 'hw':
        check.hw = numberAfter(c, o, Number.MAX_SAFE_INTEGER);
        break;
      case 'in_hw':
      case 'not_in_hw':
        check.inHw = o.text === 'in_hw';
        break;
      default:
        failAt(o, `unexpected "${o.text}" (chain, prio, handle, sw, hw, in_hw or not_in_hw)`);
    }
  }
  if (prio === undefined) failAt(kw, 'missing "prio P": name the filter by its prio');
  check.prio = prio;
  return check;
}

function restored(c: Cursor, kw: Token): ExpectRestored {
  const r: ExpectRestored = {};
  const once = new Once();
  if (c.done) failAt(kw, 'missing KEY VALUE after "restored" (chain, ct_state, zone, tunnel_id)');
  for (let o = c.take(); o; o = c.take()) {
    once.mark(o.text, o);
    switch (o.op ? '' : o.text) {
      case 'chain':
        r.chain = numberAfter(c, o);
        break;
      case 'ct_state':
        r.ctState = parseCtState(c.value(o));
        break;
      case 'zone':
        r.zone = numberAfter(c, o, U16);
        break;
      case 'tunnel_id':
        r.tunnelId = numberAfter(c, o);
        break;
      default:
        failAt(o, `unknown restored key "${o.text}" (chain, ct_state, zone, tunnel_id)`);
    }
  }
  return r;
}

function last(c: Cursor, kw: Token): ExpectCheck {
  const [what, whatTok] = oneOf(c, kw, ['path', 'delivered', 'dropped'] as const, 'fact of the last packet');
  switch (what) {
    case 'path': {
      const [path] = oneOf(c, whatTok, PATHS, 'path class');
      let missedChain: number | undefined;
      let r: ExpectRestored = {};
      const next = c.peek();
      if (next?.text === 'missed') {
        c.take();
        const ch = c.take();
        if (!ch || ch.text !== 'chain') failAt(ch ?? next, 'expected "chain C" after "missed"');
        missedChain = numberAfter(c, ch);
      }
      const rest = c.take();
      if (rest) {
        if (rest.text !== 'restored') failAt(rest, `unexpected "${rest.text}" (missed chain C, restored KEY VALUE…)`);
        r = restored(c, rest);
      }
      return { kind: 'last.path', path, ...(missedChain === undefined ? {} : { missedChain }), restored: r };
    }
    case 'delivered': {
      const dev = ifname(c.value(whatTok)).value;
      c.end();
      return { kind: 'last.delivered', dev };
    }
    case 'dropped': {
      const r = c.take();
      if (!r) return { kind: 'last.dropped' };
      if (r.text !== 'reason') failAt(r, `unexpected "${r.text}" (reason TEXT)`);
      const reason = c.value(r).text;
      c.end();
      return { kind: 'last.dropped', reason };
    }
  }
}

function hw(c: Cursor, kw: Token): ExpectCheck {
  const [what, whatTok] = oneOf(c, kw, ['ct', 'queue'] as const, 'hardware table');
  if (what === 'queue') {
    const count = uint(c.value(whatTok), 'queue', U32, NUM);
    c.end();
    return { kind: 'hw.queue', count };
  }
  const countKw = c.take();
  if (!countKw || countKw.text !== 'count') failAt(countKw ?? whatTok, 'expected "count N" after "hw ct"');
  const count = numberAfter(c, countKw);
  c.end();
  return { kind: 'hw.ct.count', count };
}

function flowtable(c: Cursor, kw: Token): ExpectCheck {
  const z = c.take();
  if (!z || z.text !== 'zone') failAt(z ?? kw, 'expected "zone Z" after "flowtable"');
  const zone = numberAfter(c, z, U16);
  const countKw = c.take();
  if (!countKw || countKw.text !== 'count') failAt(countKw ?? z, 'expected "count N" after the zone');
  const count = numberAfter(c, countKw);
  c.end();
  return { kind: 'flowtable.count', zone, count };
}

/** The assertion as written: the tokens, quoted again where quotes were removed. */
function sourceText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.quoted ? JSON.stringify(t.text) : t.text)).join(' ');
}

export function parseExpect(c: Cursor, cmd: Token, tokens: readonly Token[]): Command {
  const [what, kw] = oneOf(c, cmd, ['conntrack', 'filter', 'flowtable', 'hw', 'last'] as const, 'expectation');
  let check: ExpectCheck;
  switch (what) {
    case 'conntrack':
      check = conntrack(c, kw);
      break;
    case 'filter':
      check = filter(c, kw);
      break;
    case 'flowtable':
      check = flowtable(c, kw);
      break;
    case 'hw':
      check = hw(c, kw);
      break;
    case 'last':
      check = last(c, kw);
      break;
  }
  return { kind: 'expect', check, text: sourceText(tokens), span: spanOf(cmd) };
}
