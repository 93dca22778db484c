/**
 * conntrack-tools' `conntrack` (src/conntrack.c, release 1.4.6, the one of the talk's time):
 * the commands -L, -D, -U, -E, -S, -F, -C with the entry filters and the output flags. Options
 * are checked against the tool's commands_v_options table, so an option the tool refuses for a
 * command is refused here with its words ("Illegal option `--zone' with this command").
 */
import {
  CT_EVENT_ALL,
  CT_EVENT_DESTROY,
  CT_EVENT_NEW,
  CT_EVENT_UPDATE,
  type Command,
  type CtFilter,
  type CtOutput,
  type Masked,
} from './ast';
import { Cursor, spanOf } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { ipProtocolNumber } from './protocols';
import { ipv4, prefix, uint, U16, U32, U8 } from './values';
import { IPS_ASSURED, IPS_EXPECTED, IPS_FIXED_TIMEOUT, IPS_SEEN_REPLY } from '../conntrack/types';
import { IPPROTO_TCP, IPPROTO_UDP } from '../model/packet';

type CtCommand = 'list' | 'delete' | 'update' | 'event' | 'stats' | 'flush' | 'count';

/** getopt_long's names (short and long) of each command. */
const COMMANDS = new Map<string, CtCommand | null>([
  ['-L', 'list'], ['--dump', 'list'],
  ['-D', 'delete'], ['--delete', 'delete'],
  ['-U', 'update'], ['--update', 'update'],
  ['-E', 'event'], ['--event', 'event'],
  ['-S', 'stats'], ['--stats', 'stats'],
  ['-F', 'flush'], ['--flush', 'flush'],
  ['-C', 'count'], ['--count', 'count'],
  ['-I', null], ['--create', null], ['-G', null], ['--get', null], ['-V', null], ['--version', null], ['-h', null], ['--help', null],
]);

/** Options by every name they go by, with the long name conntrack prints in its messages. */
const OPTIONS: ReadonlyArray<[names: string[], long: string]> = [
  [['-s', '--src', '--orig-src'], 'orig-src'],
  [['-d', '--dst', '--orig-dst'], 'orig-dst'],
  [['-r', '--reply-src'], 'reply-src'],
  [['-q', '--reply-dst'], 'reply-dst'],
  [['-p', '--protonum', '--proto'], 'protonum'],
  [['-u', '--status'], 'status'],
  [['-e', '--event-mask'], 'event-mask'],
  [['-m', '--mark'], 'mark'],
  [['-f', '--family'], 'family'],
  [['-o', '--output'], 'output'],
  [['-w', '--zone'], 'zone'],
  [['-z', '--zero'], 'zero'],
];
const OPTION_BY_NAME = new Map(OPTIONS.flatMap(([names, long]) => names.map((n) => [n, long] as const)));

/** The TCP/UDP extension's options (extensions/libct_proto_tcp.c), known only after `-p tcp|udp`. */
const PORT_OPTIONS = new Map<string, 'origSport' | 'origDport' | 'replySport' | 'replyDport'>([
  ['--sport', 'origSport'], ['--orig-port-src', 'origSport'],
  ['--dport', 'origDport'], ['--orig-port-dst', 'origDport'],
  ['--reply-port-src', 'replySport'], ['--reply-port-dst', 'replyDport'],
]);

/**
 * commands_v_options: which options each command allows (everything else is "Illegal option").
 * Ports belong to the protocol extension and follow -p.
 */
const ALLOWED: Record<CtCommand, ReadonlySet<string>> = {
  list: new Set(['orig-src', 'orig-dst', 'reply-src', 'reply-dst', 'protonum', 'status', 'zero', 'mark', 'family', 'output', 'zone']),
  delete: new Set(['orig-src', 'orig-dst', 'reply-src', 'reply-dst', 'protonum', 'status', 'mark', 'family', 'output', 'zone']),
  update: new Set(['orig-src', 'orig-dst', 'reply-src', 'reply-dst', 'protonum', 'status', 'mark', 'family', 'output']),
  event: new Set(['orig-src', 'orig-dst', 'reply-src', 'reply-dst', 'protonum', 'event-mask', 'mark', 'output', 'zone']),
  stats: new Set(),
  flush: new Set(),
  count: new Set(),
};

/** parse_array[PARSE_STATUS] and [PARSE_EVENT] of conntrack 1.4.6. */
const STATUS_NAMES = new Map([['ASSURED', IPS_ASSURED], ['SEEN_REPLY', IPS_SEEN_REPLY], ['UNSET', 0], ['FIXED_TIMEOUT', IPS_FIXED_TIMEOUT], ['EXPECTED', IPS_EXPECTED]]);
const EVENT_NAMES = new Map([['ALL', CT_EVENT_ALL], ['NEW', CT_EVENT_NEW], ['UPDATES', CT_EVENT_UPDATE], ['DESTROY', CT_EVENT_DESTROY]]);
const OUTPUT_FLAGS = ['extended', 'id', 'userspace'] as const;
const OTHER_OUTPUT_FLAGS = new Set(['xml', 'timestamp', 'ktimestamp', 'labels']);

/** A comma-separated list of names (parse_parameter: case-insensitive, "Bad parameter" otherwise). */
function flagBits(v: Token, names: ReadonlyMap<string, number>): number {
  let bits = 0;
  for (const word of v.text.split(',')) {
    const value = names.get(word.toUpperCase());
    if (value === undefined) failAt(v, `Bad parameter \`${word}'`);
    bits |= value;
  }
  return bits;
}

/** --mark VALUE[/MASK], read by strtoul(…, 0) (decimal, 0x hex or 0 octal) as parse_u32_mask does. */
function markValue(v: Token): Masked {
  const slash = v.text.indexOf('/');
  if (slash < 0) return { value: uint(v, 'mark', U32), mask: U32 };
  const value = uint({ ...v, text: v.text.slice(0, slash), end: v.col + slash }, 'mark', U32);
  const mask = uint({ ...v, text: v.text.slice(slash + 1), col: v.quoted ? v.col : v.col + slash + 1 }, 'mark mask', U32);
  return { value, mask };
}

/**
 * `conntrack -L|-D|-U|-E|-S|-F|-C [filters] [-o extended,id,userspace]`. `background` is the
 * trailing `&`: `-E` watches until `kill`, so it only makes sense in the background.
 */
export function parseConntrack(c: Cursor, cmd: Token, background: Token | undefined): Command {
  let command: CtCommand | undefined;
  let commandTok: Token | undefined;
  const filter: CtFilter = {};
  const output: CtOutput = { extended: false, id: false, userspace: false };
  let eventMask = CT_EVENT_ALL;
  let mark: Masked | undefined;
  const given = new Map<string, Token>();
  for (let t = c.take(); t; t = c.take()) {
    // getopt_long also takes --option=value.
    const eq = t.text.startsWith('--') ? t.text.indexOf('=') : -1;
    const name = eq < 0 ? t.text : t.text.slice(0, eq);
    const value = (): Token => (eq < 0 ? c.value(t) : { ...t, text: t.text.slice(eq + 1), col: t.quoted ? t.col : t.col + eq + 1 });
    if (COMMANDS.has(name)) {
      const which = COMMANDS.get(name);
      if (!which) failAt(t, `conntrack "${name}" is not supported by the simulator: use -L, -D, -U, -E, -S, -F or -C`);
      if (command) failAt(t, 'conntrack: only one command at a time');
      [command, commandTok] = [which, t];
      const table = c.peek();
      if (table && !table.op && !table.text.startsWith('-')) {
        c.take();
        if (table.text !== 'conntrack') failAt(table, `the "${table.text}" table is not supported by the simulator`);
      }
      continue;
    }
    const port = PORT_OPTIONS.get(name);
    if (port) {
      if (filter.proto !== IPPROTO_TCP && filter.proto !== IPPROTO_UDP) failAt(t, `unknown option \`${name}': port options follow -p tcp or -p udp`);
      if (given.has(port)) failAt(t, `duplicate "${name}"`);
      given.set(port, t);
      filter[port] = uint(value(), 'port', U16, 10);
      continue;
    }
    const long = OPTION_BY_NAME.get(name);
    if (!long) failAt(t, `conntrack option "${t.text}" is not supported by the simulator`);
    if (given.has(long)) failAt(t, `duplicate "${name}"`);
    given.set(long, t);
    switch (long) {
      case 'orig-src':
        filter.origSrc = prefix(value(), 'source address');
        break;
      case 'orig-dst':
        filter.origDst = prefix(value(), 'destination address');
        break;
      case 'reply-src':
      case 'reply-dst': {
        const v = value();
        if (v.text.includes('/')) failAt(v, `CIDR notation unavailable for \`--${long}'`);
        filter[long === 'reply-src' ? 'replySrc' : 'replyDst'] = ipv4(v, 'address');
        break;
      }
      case 'protonum': {
        const v = value();
        filter.proto = ipProtocolNumber(v.text) ?? uint(v, 'protocol', U8, 10);
        break;
      }
      case 'zone':
        filter.zone = uint(value(), 'zone', U16);
        break;
      case 'mark':
        mark = markValue(value());
        break;
      case 'status':
        filter.status = flagBits(value(), STATUS_NAMES);
        break;
      case 'event-mask':
        eventMask = flagBits(value(), EVENT_NAMES);
        break;
      case 'output': {
        const v = value();
        for (const word of v.text.split(',')) {
          const flag = OUTPUT_FLAGS.find((f) => f === word);
          if (flag) output[flag] = true;
          else if (OTHER_OUTPUT_FLAGS.has(word)) failAt(v, `conntrack output "${word}" is not supported by the simulator: use extended, id or userspace`);
          else failAt(v, `Bad parameter \`${word}'`);
        }
        break;
      }
      case 'family': {
        const v = value();
        if (v.text !== 'ipv4') failAt(v, `family "${v.text}" is not supported by the simulator: only ipv4`);
        break;
      }
      case 'zero':
        failAt(t, 'conntrack -z (--zero) is not supported by the simulator; the zone option is -w (--zone)');
    }
  }
  if (!command || !commandTok) return failAt(cmd, 'conntrack: missing command (-L, -D, -U, -E, -S, -F or -C)');
  for (const [long, tok] of given) {
    const option = PORT_OPTIONS.has(tok.text.split('=')[0]) ? 'protonum' : long;
    if (!ALLOWED[command].has(option)) failAt(tok, `Illegal option \`--${long}' with this command`);
  }
  if (command === 'event' && !background) failAt(commandTok, 'conntrack -E runs until it is stopped: start it in the background (conntrack -E &) and stop it with kill %N');
  if (command !== 'event' && background) failAt(background, 'only conntrack -E runs in the background (&)');
  const span = spanOf(cmd);
  switch (command) {
    case 'list':
      if (mark) filter.mark = mark;
      return { kind: 'conntrack.list', filter, output, span };
    case 'delete':
      if (mark) filter.mark = mark;
      return { kind: 'conntrack.delete', filter, output, span };
    case 'update':
      if (filter.status !== undefined) failAt(given.get('status')!, 'conntrack -U --status is not supported by the simulator: -U sets the mark only');
      if (!mark) return failAt(commandTok, 'conntrack -U: the simulator updates the mark only: give --mark VALUE[/MASK]');
      return { kind: 'conntrack.update', filter, mark, output, span };
    case 'event':
      if (mark) filter.mark = mark;
      return { kind: 'conntrack.events', filter, eventMask, output, span };
    case 'stats':
      return { kind: 'conntrack.stats', span };
    case 'flush':
      return { kind: 'conntrack.flush', span };
    case 'count':
      return { kind: 'conntrack.count', span };
  }
}

const SIGNALS = new Map<string, 'TERM' | 'INT' | 'KILL'>([
  ['TERM', 'TERM'], ['SIGTERM', 'TERM'], ['15', 'TERM'],
  ['INT', 'INT'], ['SIGINT', 'INT'], ['2', 'INT'],
  ['KILL', 'KILL'], ['SIGKILL', 'KILL'], ['9', 'KILL'],
]);

/** bash's `kill [-s SIG | -SIG] %JOB` for the background watchers (`%N`, `%%`, `%+`). */
export function parseKill(c: Cursor, cmd: Token): Command {
  let signal: 'TERM' | 'INT' | 'KILL' = 'TERM';
  let t = c.value(cmd);
  if (t.text === '-s' || (t.text.startsWith('-') && t.text.length > 1)) {
    const sigTok = t.text === '-s' ? c.value(t) : { ...t, text: t.text.slice(1), col: t.col + 1 };
    const sig = SIGNALS.get(sigTok.text.toUpperCase());
    if (!sig) failAt(sigTok, `kill: ${sigTok.text}: invalid signal specification (the simulator knows TERM, INT and KILL)`);
    signal = sig;
    t = c.value(t);
  }
  c.end();
  if (!t.text.startsWith('%')) failAt(t, `kill: "${t.text}": the simulator stops background jobs only: use a job spec like %1`);
  const spec = t.text.slice(1);
  if (spec === '' || spec === '%' || spec === '+') return { kind: 'kill', signal, span: spanOf(cmd) };
  return { kind: 'kill', job: { value: uint({ ...t, text: spec, col: t.col + 1 }, 'job', U16, 10, 1), span: spanOf(t) }, signal, span: spanOf(cmd) };
}
