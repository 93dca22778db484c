/**
 * parseScript: script text → typed commands. One command per logical line; the first error
 * stops parsing and is returned with the commands of the lines before it. Never throws.
 */
import type { Command, ParseResult } from './ast';
import { Cursor } from './cursor';
import { failAt, ScriptError } from './errors';
import { Lexer, type Token } from './lexer';
import { parseConntrack, parseKill } from './parse-conntrack';
import { parseCat, parseEcho, parseEthtool, parseIp, parseSim, parseSleep, parseSysctl } from './parse-host';
import { parseExpect } from './parse-expect';
import { parseConnect, parseSend } from './parse-packet';
import { parseTc } from './parse-tc';
import { parseTraffic } from './parse-traffic';

export const MAX_SCRIPT_CHARS = 1_000_000;
export const MAX_SCRIPT_LINES = 100_000;

/** Tools users paste from the same recipes that the simulator does not run. */
const OTHER_TOOLS = new Set([
  'ovs-vsctl', 'ovs-ofctl', 'ovs-dpctl', 'ovs-appctl', 'ovs_add_flow', 'ovs-dpctl.py', 'devlink', 'bridge', 'nft', 'iptables',
  'ip6tables', 'tcpdump', 'ping', 'iperf', 'iperf3', 'nc', 'ncat', 'modprobe', 'grep', 'jq', 'ifconfig', 'route', 'arp',
]);

function parseCommand(tokens: Token[]): Command[] {
  // A trailing `&` runs the command in the background; only conntrack -E may (parse-conntrack.ts).
  const last = tokens[tokens.length - 1];
  const background = last.op && last.text === '&' ? last : undefined;
  if (background) {
    tokens = tokens.slice(0, -1);
    if (tokens.length === 0) failAt(background, 'missing command before "&"');
  }
  const c = new Cursor(tokens);
  let cmd = c.take()!;
  if (cmd.text === '!' && !cmd.quoted) {
    if (tokens.length < 2) failAt(cmd, 'missing command after "!"');
    return [{ kind: 'expect.fail', commands: parseCommand(tokens.slice(1)), span: { line: cmd.line, col: cmd.col, end: cmd.col + 1 } }];
  }
  if (cmd.text === 'sudo' && !cmd.quoted) cmd = c.value(cmd);
  if (cmd.text === 'conntrack' && !cmd.quoted) return [parseConntrack(c, cmd, background)];
  if (background) failAt(background, 'only conntrack -E runs in the background (&)');
  switch (cmd.op ? '' : cmd.text) {
    case 'tc':
      return [parseTc(c, cmd)];
    case 'ip':
      return [parseIp(c, cmd)];
    case 'ethtool':
      return [parseEthtool(c, cmd)];
    case 'sysctl':
      return parseSysctl(c, cmd);
    case 'echo':
      return [parseEcho(c, cmd)];
    case 'kill':
      return [parseKill(c, cmd)];
    case 'cat':
      return [parseCat(c, cmd)];
    case 'send':
      return [parseSend(c, cmd)];
    case 'connect':
      return [parseConnect(c, cmd)];
    case 'sleep':
      return [parseSleep(c, cmd)];
    case 'traffic':
      return [parseTraffic(c, cmd)];
    case 'sim':
      return [parseSim(c, cmd)];
    case 'expect':
      return [parseExpect(c, cmd, tokens)];
    case 'tc_filter':
      return failAt(cmd, 'unknown command "tc_filter" (a helper of the test script this comes from): replace tc_filter with tc filter');
  }
  if (OTHER_TOOLS.has(cmd.text)) failAt(cmd, `"${cmd.text}" is not supported by the simulator`);
  return failAt(cmd, `unknown command "${cmd.text}"`);
}

/** Rejects oversized scripts up front, pointing at the first character or line past the limit. */
function checkScriptSize(text: string): void {
  let lines = 1;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < text.length - 1; nl = text.indexOf('\n', nl + 1)) {
    if (++lines > MAX_SCRIPT_LINES) failAt({ line: lines, col: 1 }, `script has more than ${MAX_SCRIPT_LINES} lines`);
    if (nl >= MAX_SCRIPT_CHARS) break;
  }
  if (text.length <= MAX_SCRIPT_CHARS) return;
  const lastNl = text.lastIndexOf('\n', MAX_SCRIPT_CHARS - 1);
  let line = 1;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl <= lastNl; nl = text.indexOf('\n', nl + 1)) line++;
  failAt({ line, col: MAX_SCRIPT_CHARS - lastNl }, `script is longer than ${MAX_SCRIPT_CHARS} characters`);
}

export function parseScript(text: string): ParseResult {
  const commands: Command[] = [];
  let line = 1;
  try {
    checkScriptSize(text);
    const lexer = new Lexer(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    for (let tokens = lexer.nextLine(); tokens; tokens = lexer.nextLine()) {
      line = tokens[0].line;
      commands.push(...parseCommand(tokens));
    }
    return { ok: true, commands };
  } catch (e) {
    if (e instanceof ScriptError) return { ok: false, error: e.error, commands };
    // A parser bug must still not escape as an exception; report it where parsing stopped.
    return { ok: false, error: { line, col: 1, message: `internal parser error: ${String(e)}` }, commands };
  }
}
