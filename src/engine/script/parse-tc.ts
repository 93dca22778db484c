/**
 * The `tc` command (iproute2 tc/tc.c, tc_qdisc.c, tc_filter.c, m_action.c): global options,
 * then qdisc, filter, chain or actions, each with iproute2's keyword loop.
 */
import type { ActionSpec, Command, Hook, JsonMode, Spanned } from './ast';
import { Cursor, exact, keywordOf, Once, prefix, spanOf, type Keyword } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { parseActionList } from './parse-actions';
import { parseFlower } from './parse-flower';
import { ETH_P_ALL, ethertype } from './protocols';
import { ifname, readUint, uint, U16, U32 } from './values';
import { TC_ACT_EXT_VAL_MASK } from '../tc/verdict';

/** tc.c's option if-chain; `-s` abbreviates `-stats`. */
const TC_OPTIONS = prefix('-stats', '-statistics', '-details', '-raw', '-pretty', '-graph', '-Version', '-iec', '-help', '-force', '-batch', '-netns', '-names', '-nm', '-cf', '-conf', '-timestamp', '-tshort', '-json', '-echo');
const TC_OBJECTS = prefix('qdisc', 'class', 'filter', 'chain', 'actions', 'monitor', 'exec', 'help');

/** Names of the qdiscs and classifiers tc knows, so the simulator can say which it lacks. */
const OTHER_QDISCS = new Set(['pfifo', 'bfifo', 'pfifo_fast', 'fq', 'fq_codel', 'codel', 'htb', 'hfsc', 'tbf', 'prio', 'mq', 'mqprio', 'netem', 'red', 'sfq', 'cake', 'drr', 'ets', 'taprio', 'noqueue']);
const OTHER_FILTERS = new Set(['u32', 'matchall', 'bpf', 'basic', 'fw', 'route', 'flow', 'cgroup', 'rsvp', 'tcindex']);
/** Action kinds that `tc actions del|ls|flush` can name. */
const MODELLED_ACTIONS = new Set(['ct', 'gact', 'mirred', 'tunnel_key', 'pedit', 'csum']);

/** The keywords before the classifier kind (tc_filter.c tc_filter_modify / tc_filter_list). */
const FILTER_OPTIONS = [
  ...exact('dev', 'block', 'root', 'ingress', 'egress', 'parent', 'handle'),
  ...prefix('preference', 'priority', 'protocol', 'chain', 'estimator'),
  ...exact('help'),
];

interface FilterHead {
  dev?: Spanned<string>;
  hook?: Hook;
  chain?: number;
  prio?: number;
  handle?: Token;
  protocol?: number;
  kind?: Token;
}

/** `parent ffff:` (the ingress qdisc) and clsact's `ffff:fff2` / `ffff:fff3` minors. */
function parentHook(t: Token): Hook {
  const [maj, min = ''] = t.text.toLowerCase().split(':');
  const minor = min === '' ? 0 : readUint(min, 16);
  if (maj === 'ffff' && t.text.includes(':') && (minor === 0 || minor === 0xfff2)) return 'ingress';
  if (maj === 'ffff' && minor === 0xfff3) return 'egress';
  return failAt(t, `parent "${t.text}" is not supported by the simulator: use ingress, egress, parent ffff: (ingress) or parent ffff:fff3 (egress)`);
}

/** Reads the options before the classifier kind; the kind (if any) is taken too. */
function parseFilterHead(c: Cursor, what: 'modify' | 'show'): FilterHead {
  const head: FilterHead = {};
  const once = new Once();
  for (let kw = c.take(); kw; kw = c.take()) {
    const opt = keywordOf(kw, FILTER_OPTIONS);
    if (!opt) {
      if (what === 'show') failAt(kw, `What is "${kw.text}"? Try "tc filter help"`);
      head.kind = kw;
      break;
    }
    const isHook = opt === 'ingress' || opt === 'egress' || opt === 'parent' || opt === 'root' || opt === 'block';
    if (isHook && once.has('parent')) failAt(kw, `Error: "${kw.text}" is duplicate parent ID`);
    once.mark(isHook ? 'parent' : opt === 'priority' ? 'preference' : opt, kw);
    switch (opt) {
      case 'dev':
        head.dev = ifname(c.value(kw));
        break;
      case 'ingress':
      case 'egress':
        head.hook = opt;
        break;
      case 'parent':
        head.hook = parentHook(c.value(kw));
        break;
      case 'handle':
        head.handle = c.value(kw);
        break;
      case 'preference':
      case 'priority':
        head.prio = uint(c.value(kw), 'priority', U16) || undefined;
        break;
      case 'protocol':
        head.protocol = ethertype(c.value(kw));
        break;
      case 'chain':
        // tc_new_tfilter: "Specified chain index exceeds upper limit".
        head.chain = uint(c.value(kw), 'chain index', TC_ACT_EXT_VAL_MASK);
        break;
      case 'block':
        failAt(kw, 'shared blocks are not supported by the simulator: attach filters with dev DEV ingress');
        break;
      case 'root':
        failAt(kw, 'root qdisc filters are not supported by the simulator: use ingress or egress');
        break;
      default:
        failAt(kw, `"${kw.text}" is not supported by the simulator`);
    }
  }
  return head;
}

function requireDevHook(head: FilterHead, at: Token): { dev: Spanned<string>; hook: Hook } {
  if (!head.dev) failAt(at, 'missing "dev DEVICE"');
  if (!head.hook) failAt(at, 'missing "ingress", "egress" or "parent ffff:"');
  return { dev: head.dev, hook: head.hook };
}

function requireFlower(kind: Token | undefined, at: Token): Token {
  if (!kind) failAt(at, 'Filter kind must be specified: "flower"');
  if (kind.text === 'flower') return kind;
  if (OTHER_FILTERS.has(kind.text)) failAt(kind, `filter "${kind.text}" is not supported by the simulator: use flower`);
  return failAt(kind, `Unknown filter "${kind.text}"`);
}

/** flower_parse_opt reads the filter handle with get_u32 base 0; 0 asks the kernel to pick one. */
function filterHandle(t: Token | undefined): number | undefined {
  return t ? uint(t, 'handle', U32) || undefined : undefined;
}

function parseFilterModify(c: Cursor, opTok: Token, op: 'add' | 'replace' | 'change'): Command {
  const head = parseFilterHead(c, 'modify');
  const { dev, hook } = requireDevHook(head, opTok);
  requireFlower(head.kind, opTok);
  // tc_filter_modify: a create (add/replace) defaults to ETH_P_ALL; change sends 0.
  const protocol = head.protocol ?? (op === 'change' ? 0 : ETH_P_ALL);
  const flower = parseFlower(c, protocol);
  let actions: ActionSpec[] = [];
  const actionKw = c.take();
  if (actionKw) {
    if (c.done) failAt(actionKw, `missing argument after "${actionKw.text}"`);
    actions = parseActionList(c);
  }
  return {
    kind: 'tc.filter.add',
    op,
    filter: {
      dev,
      hook,
      chain: head.chain ?? 0,
      prio: head.prio,
      handle: filterHandle(head.handle),
      protocol: protocol === ETH_P_ALL ? 0 : protocol,
      ...flower,
      actions,
    },
    span: spanOf(opTok),
  };
}

function parseFilterDelete(c: Cursor, opTok: Token): Command {
  const head = parseFilterHead(c, 'modify');
  const { dev, hook } = requireDevHook(head, opTok);
  if (head.kind) {
    requireFlower(head.kind, opTok);
    c.end();
  }
  if (head.handle && !head.kind) failAt(head.handle, 'Must specify filter type when using "handle"');
  // tc_del_tfilter: without a priority the whole chain is flushed, which takes no selectors.
  if (head.prio === undefined && (head.protocol !== undefined || head.handle || head.kind)) {
    failAt(opTok, 'Cannot flush filters with protocol, handle or kind set: add "pref N"');
  }
  return { kind: 'tc.filter.del', dev, hook, chain: head.chain, prio: head.prio, handle: filterHandle(head.handle), span: spanOf(opTok) };
}

/** tc.c's global options that change what show commands print. */
interface ShowOptions {
  stats: boolean;
  json?: JsonMode;
}

function parseFilterShow(c: Cursor, opTok: Token, { stats, json }: ShowOptions): Command {
  const head = parseFilterHead(c, 'show');
  if (head.handle) failAt(opTok, 'filtering "tc filter show" by handle is not supported by the simulator');
  const { dev, hook } = requireDevHook(head, opTok);
  // The kernel dumps only the matching tcf_protos (tcf_chain_dump); tc omits what it asked for.
  const only = { ...(head.protocol !== undefined ? { protocol: head.protocol } : {}), ...(head.prio !== undefined ? { prio: head.prio } : {}) };
  return { kind: 'tc.filter.show', dev, hook, stats, chain: head.chain, ...only, ...(json ? { json } : {}), span: spanOf(opTok) };
}

const FILTER_COMMANDS = prefix('add', 'change', 'replace', 'delete', 'get', 'list', 'show', 'lst', 'help');

function parseFilter(c: Cursor, object: Token, show: ShowOptions): Command {
  const opTok = c.value(object);
  const op = keywordOf(opTok, FILTER_COMMANDS);
  switch (op) {
    case 'add':
    case 'change':
    case 'replace':
      return parseFilterModify(c, opTok, op);
    case 'delete':
      return parseFilterDelete(c, opTok);
    case 'list':
    case 'show':
    case 'lst':
      return parseFilterShow(c, opTok, show);
    case undefined:
      return failAt(opTok, `Command "${opTok.text}" is unknown, try "tc filter help".`);
    default:
      return failAt(opTok, `"tc filter ${op}" is not supported by the simulator`);
  }
}

function parseChain(c: Cursor, object: Token): Command {
  const opTok = c.value(object);
  const op = keywordOf(opTok, prefix('add', 'delete', 'get', 'list', 'show', 'help'));
  if (op !== 'add' && op !== 'delete') {
    if (op === undefined) failAt(opTok, `Command "${opTok.text}" is unknown, try "tc chain help".`);
    failAt(opTok, `"tc chain ${op}" is not supported by the simulator`);
  }
  const head = parseFilterHead(c, 'modify');
  const { dev, hook } = requireDevHook(head, opTok);
  if (head.kind) failAt(head.kind, 'chain templates are not supported by the simulator');
  if (head.prio !== undefined || head.handle || head.protocol !== undefined) failAt(opTok, '"tc chain" takes only dev, ingress|egress and chain');
  return { kind: 'tc.chain', op: op === 'add' ? 'add' : 'del', dev, hook, chain: head.chain ?? 0, span: spanOf(opTok) };
}

const QDISC_COMMANDS = prefix('add', 'change', 'replace', 'link', 'delete', 'list', 'show', 'lst', 'help');
const QDISC_OPTIONS: readonly Keyword<string>[] = [...exact('dev', 'handle', 'root', 'ingress', 'clsact', 'parent', 'ingress_block', 'egress_block'), ...prefix('estimator', 'stab', 'help')];

/** get_qdisc_handle: the ingress and clsact qdiscs live at ffff:. */
function checkQdiscHandle(t: Token): void {
  const [maj, min] = t.text.toLowerCase().split(':');
  if (maj !== 'ffff' || (min !== undefined && min !== '' && min !== '0')) failAt(t, `invalid handle "${t.text}": the ingress and clsact qdiscs use handle ffff:`);
}

function parseQdisc(c: Cursor, object: Token): Command {
  const opTok = c.value(object);
  const op = keywordOf(opTok, QDISC_COMMANDS);
  if (op !== 'add' && op !== 'replace' && op !== 'delete') {
    if (op === undefined) failAt(opTok, `Command "${opTok.text}" is unknown, try "tc qdisc help".`);
    failAt(opTok, `"tc qdisc ${op}" is not supported by the simulator`);
  }
  const once = new Once();
  let dev: Spanned<string> | undefined;
  let qdisc: 'ingress' | 'clsact' | undefined;
  let parent: Token | undefined;
  while (!qdisc) {
    const kw = c.take();
    if (!kw) break;
    const opt = keywordOf(kw, QDISC_OPTIONS);
    if ((opt === 'ingress' || opt === 'clsact') && once.has('parent')) failAt(kw, `Error: "${opt}" is a duplicate parent ID`);
    if (opt) once.mark(opt, kw);
    switch (opt) {
      case 'dev':
        dev = ifname(c.value(kw));
        break;
      case 'handle':
        checkQdiscHandle(c.value(kw));
        break;
      case 'parent':
        parent = c.value(kw);
        break;
      case 'ingress':
      case 'clsact':
        qdisc = opt;
        break;
      case 'ingress_block':
      case 'egress_block':
        failAt(kw, 'shared blocks are not supported by the simulator: use one ingress or clsact qdisc per device');
        break;
      case 'root':
        failAt(kw, 'root qdiscs are not supported by the simulator: use ingress or clsact');
        break;
      case undefined:
        if (OTHER_QDISCS.has(kw.text)) failAt(kw, `qdisc "${kw.text}" is not supported by the simulator: use ingress or clsact`);
        failAt(kw, `Unknown qdisc "${kw.text}"`);
        break;
      default:
        failAt(kw, `"${kw.text}" is not supported by the simulator`);
    }
  }
  if (!dev) failAt(opTok, 'missing "dev DEVICE"');
  if (!qdisc && parent) failAt(parent, `name the qdisc ("ingress" or "clsact") instead of "parent ${parent.text}"`);
  if (!qdisc) failAt(opTok, 'missing qdisc kind: ingress or clsact');
  c.end();
  return { kind: 'tc.qdisc', op: op === 'delete' ? 'del' : op, dev, qdisc, span: spanOf(opTok) };
}

/** `action KIND` naming a modelled action, for del/ls/flush. */
function actionKind(c: Cursor, after: Token): string {
  const actionKw = c.value(after);
  if (actionKw.text !== 'action') failAt(actionKw, `expected "action KIND", got "${actionKw.text}"`);
  const kind = c.value(actionKw);
  if (!MODELLED_ACTIONS.has(kind.text)) failAt(kind, `Error: non existent action: ${kind.text}`);
  return kind.text;
}

function parseActions(c: Cursor, object: Token, { stats, json }: ShowOptions): Command {
  const opTok = c.value(object);
  const op = keywordOf(opTok, prefix('add', 'change', 'replace', 'delete', 'get', 'list', 'show', 'lst', 'flush', 'help'));
  const span = spanOf(opTok);
  switch (op) {
    case 'add':
    case 'change':
    case 'replace':
      if (c.done) failAt(opTok, `missing action after "${opTok.text}"`);
      return { kind: 'tc.actions.add', op: op === 'add' ? 'add' : 'replace', actions: parseActionList(c), span };
    case 'delete': {
      const action = actionKind(c, opTok);
      const indexKw = c.take();
      if (!indexKw || indexKw.text !== 'index') failAt(indexKw ?? opTok, `Error: no index specified action: ${action}`);
      const index = uint(c.value(indexKw), 'index', U32, 10, 1);
      if (!c.done) failAt(c.peek()!, 'deleting several actions in one command is not supported by the simulator');
      return { kind: 'tc.actions.del', action, index, span };
    }
    case 'list':
    case 'show':
    case 'lst':
    case 'flush': {
      const action = actionKind(c, opTok);
      c.end();
      return op === 'flush' ? { kind: 'tc.actions.flush', action, span } : { kind: 'tc.actions.ls', action, stats, ...(json ? { json } : {}), span };
    }
    case undefined:
      return failAt(opTok, `Command "${opTok.text}" is unknown, try "tc actions help".`);
    default:
      return failAt(opTok, `"tc actions ${op}" is not supported by the simulator`);
  }
}

export function parseTc(c: Cursor, tc: Token): Command {
  let stats = false;
  let json = false;
  let pretty = false;
  let object = c.value(tc);
  while (object.text.startsWith('-') && !object.quoted) {
    const word = object.text.startsWith('--') ? object.text.slice(1) : object.text;
    const opt = keywordOf({ ...object, text: word }, TC_OPTIONS);
    if (opt === '-stats' || opt === '-statistics') stats = true;
    else if (opt === '-json') json = true;
    // -pretty only changes JSON output (tc.c: jsonw_pretty when json is on).
    else if (opt === '-pretty') pretty = true;
    else if (opt) failAt(object, `option "${object.text}" is not supported by the simulator`);
    else failAt(object, `Option "${object.text}" is unknown, try "tc -help".`);
    object = c.value(object);
  }
  const name = keywordOf(object, TC_OBJECTS);
  const show: ShowOptions = { stats, ...(json ? { json: pretty ? 'pretty' : 'plain' } : {}) };
  switch (name) {
    case 'qdisc':
      return parseQdisc(c, object);
    case 'filter':
      return parseFilter(c, object, show);
    case 'chain':
      return parseChain(c, object);
    case 'actions':
      return parseActions(c, object, show);
    case undefined:
      return failAt(object, `Object "${object.text}" is unknown, try "tc help".`);
    default:
      return failAt(object, `"tc ${name}" is not supported by the simulator`);
  }
}
