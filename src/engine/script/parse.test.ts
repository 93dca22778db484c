import { describe, expect, it } from 'vitest';
import { MAX_SCRIPT_CHARS, MAX_SCRIPT_LINES, parseScript } from './parse';
import { parseError } from './test-support';

describe('parseScript', () => {
  it('parses one command per logical line, skipping comments and joining continuations', () => {
    const r = parseScript(['# a lab', 'tc qdisc add dev eth0 ingress   # hook', '', 'tc filter add dev eth0 ingress \\', '   protocol ip flower \\', '   action drop', 'sleep 1'].join('\n'));
    expect(r.ok).toBe(true);
    expect(r.commands.map((c) => [c.kind, c.span.line, c.span.col])).toEqual([
      ['tc.qdisc', 2, 10],
      ['tc.filter.add', 4, 11],
      ['sleep', 7, 1],
    ]);
    const filter = r.commands[1];
    expect(filter.kind === 'tc.filter.add' && filter.filter.actions[0].span).toEqual({ line: 6, col: 11, end: 15 });
  });

  it('stops at the first error and returns the commands of the lines before it', () => {
    const r = parseScript('sleep 1\nsysctl -w a=1 b=2\ntc qdisc add dev eth0 ingress\nsleep x\nsleep 2');
    expect(r).toMatchObject({ ok: false, error: { line: 4, col: 7, message: 'invalid sleep "x": expected seconds, e.g. 1.5' } });
    expect(r.commands.map((c) => c.kind)).toEqual(['sleep', 'sysctl', 'sysctl', 'tc.qdisc']);
  });

  it('drops every command of the bad line, even those it has already read', () => {
    const r = parseScript('sleep 1\nsysctl -w a=1 bogus');
    expect(r.ok).toBe(false);
    expect(r.commands.map((c) => c.kind)).toEqual(['sleep']);
  });

  it('accepts an empty script, a byte order mark and a leading sudo', () => {
    expect(parseScript('')).toEqual({ ok: true, commands: [] });
    expect(parseScript('\n# only comments\n   \n')).toEqual({ ok: true, commands: [] });
    expect(parseScript('\ufeffsleep 1').commands).toEqual([{ kind: 'sleep', seconds: 1, span: { line: 1, col: 1, end: 6 } }]);
    expect(parseScript('sudo tc qdisc add dev eth0 clsact').commands[0]).toMatchObject({ kind: 'tc.qdisc', qdisc: 'clsact' });
  });

  it('reports unknown commands', () => {
    expect(parseError('  frobnicate now')).toEqual({ line: 1, col: 3, message: 'unknown command "frobnicate"' });
    expect(parseError('tcpdump -i eth0')).toEqual({ line: 1, col: 1, message: '"tcpdump" is not supported by the simulator' });
    expect(parseError('> x')).toEqual({ line: 1, col: 1, message: 'unknown command ">"' });
  });

  it(`accepts ${MAX_SCRIPT_LINES} lines and rejects one more at its first column`, () => {
    const lines = Array(MAX_SCRIPT_LINES).fill('sleep 0');
    const ok = parseScript(lines.join('\n') + '\n');
    expect(ok.ok && ok.commands.length).toBe(MAX_SCRIPT_LINES);
    expect(parseScript([...lines, 'sleep 0'].join('\n'))).toEqual({ ok: false, error: { line: MAX_SCRIPT_LINES + 1, col: 1, message: `script has more than ${MAX_SCRIPT_LINES} lines` }, commands: [] });
  });

  it(`rejects a script longer than ${MAX_SCRIPT_CHARS} characters at the first character past it`, () => {
    const line = `echo ${'x'.repeat(994)}`; // 999 characters plus the newline
    const text = Array(1001).fill(line).join('\n');
    expect(text.length).toBeGreaterThan(MAX_SCRIPT_CHARS);
    const r = parseScript(text);
    expect(r).toEqual({ ok: false, error: { line: 1001, col: 1, message: `script is longer than ${MAX_SCRIPT_CHARS} characters` }, commands: [] });
  });
});
