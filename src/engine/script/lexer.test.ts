import { describe, expect, it } from 'vitest';
import { ScriptError } from './errors';
import { Lexer, MAX_LINE_LENGTH, type Token } from './lexer';

function lines(text: string): Token[][] {
  const lexer = new Lexer(text);
  const out: Token[][] = [];
  for (let t = lexer.nextLine(); t; t = lexer.nextLine()) out.push(t);
  return out;
}

function words(text: string): string[][] {
  return lines(text).map((l) => l.map((t) => t.text));
}

function lexError(text: string) {
  try {
    lines(text);
  } catch (e) {
    if (e instanceof ScriptError) return e.error;
    throw e;
  }
  throw new Error('expected a lexer error');
}

describe('lexer', () => {
  it('splits words and gives each its physical line and columns', () => {
    const [[a, b]] = lines('  tc\tqdisc');
    expect(a).toEqual({ text: 'tc', line: 1, col: 3, end: 5, quoted: false, op: false });
    expect(b).toEqual({ text: 'qdisc', line: 1, col: 6, end: 11, quoted: false, op: false });
  });

  it('skips blank lines, comment lines and trailing comments; # inside a word is literal', () => {
    expect(words('\n# setup\n  \ntc qdisc # trailing\necho a#b\n')).toEqual([['tc', 'qdisc'], ['echo', 'a#b']]);
  });

  it('joins a trailing backslash with the next line, keeping each token on its own line', () => {
    const [tokens] = lines('tc filter \\\n  add dev eth0\\\nrest');
    expect(tokens.map((t) => [t.text, t.line, t.col])).toEqual([
      ['tc', 1, 1],
      ['filter', 1, 4],
      ['add', 2, 3],
      ['dev', 2, 7],
      ['eth0', 2, 11],
      ['rest', 3, 1],
    ]);
  });

  it('ends a continued command at a blank or comment line, and accepts spaces after the backslash', () => {
    expect(words('a \\  \n\nb\nc \\\n# note\nd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('removes quotes and escapes, marking such tokens as quoted', () => {
    const [[single, double, escaped, joined]] = lines(`'a b' "c \\"d\\" \\$x" e\\ f x'y'"z"`);
    expect([single.text, double.text, escaped.text, joined.text]).toEqual(['a b', 'c "d" $x', 'e f', 'xyz']);
    expect([single.quoted, joined.quoted]).toEqual([true, true]);
    expect(single).toMatchObject({ col: 1, end: 6 });
  });

  it('keeps $ literal inside single quotes and when nothing expandable follows', () => {
    expect(words(`echo '$HOME' a$ $`)).toEqual([['echo', '$HOME', 'a$', '$']]);
  });

  it('makes an unquoted > an operator token, also when glued to words', () => {
    const [tokens] = lines('send 1.1.1.1:1>2.2.2.2:2');
    expect(tokens.map((t) => [t.text, t.op])).toEqual([
      ['send', false],
      ['1.1.1.1:1', false],
      ['>', true],
      ['2.2.2.2:2', false],
    ]);
    expect(lines('echo ">"')[0][1].op).toBe(false);
  });

  it('accepts CRLF line endings, tabs and non-ASCII text', () => {
    expect(words('echo héllo\t→ 日本\r\nsleep 1\r\n')).toEqual([['echo', 'héllo', '→', '日本'], ['sleep', '1']]);
  });

  it('reports unexpanded shell variables at the dollar sign', () => {
    expect(lexError('tc filter add dev $DEV1 ingress')).toEqual({ line: 1, col: 19, message: 'unexpanded shell variable "$DEV1": replace it with its value' });
    expect(lexError('echo "x ${REP}"')).toEqual({ line: 1, col: 9, message: 'unexpanded shell variable "${REP}": replace it with its value' });
    expect(lexError('echo $1')).toEqual({ line: 1, col: 6, message: 'unexpanded shell variable "$1": replace it with its value' });
  });

  it('suggests tc for a leading $TC', () => {
    expect(lexError('$TC actions add action ct')).toEqual({ line: 1, col: 1, message: 'unexpanded shell variable "$TC": replace $TC with tc' });
  });

  it('reports command substitution', () => {
    expect(lexError('echo $(date)').message).toBe('command substitution "$(…)" is not supported: paste the command with its output filled in');
    expect(lexError('echo "`date`"')).toMatchObject({ col: 7 });
  });

  it('reports shell operators and append redirection at their column', () => {
    expect(lexError('tc -s filter show dev x ingress | grep pkt')).toEqual({ line: 1, col: 33, message: 'shell syntax "|" is not supported: write one command per line' });
    expect(lexError('sleep 1 && sleep 2').message).toBe('shell syntax "&&" is not supported: write one command per line');
    expect(lexError('sleep 1; sleep 2')).toMatchObject({ col: 8 });
    expect(lexError('echo 1 >> /proc/sys/x')).toEqual({ line: 1, col: 8, message: 'append redirection ">>" is not supported' });
  });

  it('reports an unterminated quote at its opening', () => {
    expect(lexError('echo "abc')).toEqual({ line: 1, col: 6, message: 'unterminated quote' });
    expect(lexError("x\necho 'abc")).toEqual({ line: 2, col: 6, message: 'unterminated quote' });
  });

  it('rejects control characters, invisible spaces and broken Unicode with their position', () => {
    expect(lexError('echo a\u0007b')).toEqual({ line: 1, col: 7, message: 'control character U+0007 is not allowed' });
    expect(lexError('tc\u00a0filter')).toEqual({ line: 1, col: 3, message: 'invisible or non-breaking space U+00A0: retype it as a normal space' });
    expect(lexError('x\n echo \ud800')).toEqual({ line: 2, col: 7, message: 'invalid Unicode text (unpaired surrogate U+D800)' });
    expect(lexError('a\u2028b').message).toBe('control character U+2028 is not allowed');
  });

  it(`rejects a line longer than ${MAX_LINE_LENGTH} characters at column ${MAX_LINE_LENGTH + 1}`, () => {
    expect(words(`echo ${'x'.repeat(MAX_LINE_LENGTH - 5)}`)[0][1]).toHaveLength(MAX_LINE_LENGTH - 5);
    expect(lexError(`ok\necho ${'x'.repeat(MAX_LINE_LENGTH)}`)).toEqual({ line: 2, col: MAX_LINE_LENGTH + 1, message: `line is longer than ${MAX_LINE_LENGTH} characters` });
  });
});
