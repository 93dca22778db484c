/**
 * fast-check generators of hostile script lines: random grammar words, real commands cut short
 * or with one word replaced, raw Unicode and control characters, and lines around the length
 * limit. Real commands come from tc-examples.txt (runnable device names) and the setup script.
 */
import fc from 'fast-check';
import { MAX_LINE_LENGTH } from '../script/lexer';
import { exampleCommands, SETUP } from './support';

export const REAL_COMMANDS: readonly string[] = [
  ...exampleCommands(),
  ...SETUP.split('\n').filter((l) => l !== ''),
  'tc -s filter show dev uplink ingress',
  'tc actions ls action ct',
  'tc filter del dev uplink ingress prio 1 chain 2 handle 1 flower',
  'tc chain del dev rep1 ingress chain 9',
  'tc actions del action gact index 7',
  'ethtool -K rep0 hw-tc-offload off',
  'ip link del veth0',
  'conntrack -F',
  'conntrack -C',
  'sim profile 6.12',
];

const VOCABULARY: readonly string[] = [
  ...new Set(REAL_COMMANDS.flatMap((c) => c.split(' '))),
  'nosuch', 'ffff:', 'replace', 'change', 'del', 'skip_sw', 'clear', 'force', '0', '65535', '65536', '4294967295', '4294967296',
  '0x', '-1', '1.2.3.0/33', '256.0.0.1', 'fe80::1', '"', "'", '\\', '$X', '#', '|', '>', ';', '`', '\u00a0', '\u0007', '\ud800', '日本', '',
];

const word = fc.constantFrom(...VOCABULARY);
const anyChar = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })).map((c) => String.fromCharCode(c));
const realCommand = fc.constantFrom(...REAL_COMMANDS);

export const randomWords = fc.array(word, { minLength: 1, maxLength: 25 }).map((w) => w.join(' '));

export const truncated = fc.tuple(realCommand, fc.nat()).map(([cmd, n]) => {
  const w = cmd.split(' ');
  return w.slice(0, n % (w.length + 1)).join(' ');
});

export const mutated = fc
  .tuple(realCommand, fc.nat(), fc.oneof(word, fc.string({ maxLength: 8 }), fc.string({ unit: anyChar, maxLength: 8 })))
  .map(([cmd, n, replacement]) => {
    const w = cmd.split(' ');
    w[n % w.length] = replacement;
    return w.join(' ');
  });

export const rawUnicode = fc.string({ unit: anyChar, minLength: 1, maxLength: 200 });

export const longLine = fc
  .tuple(fc.constantFrom('x', '"', '\\', '+', ' ', 'tc ', 'action drop '), fc.integer({ min: MAX_LINE_LENGTH - 10, max: MAX_LINE_LENGTH + 10 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

/** One line (no newline) that is usually, not always, wrong. */
export const anyBadLine = fc.oneof(randomWords, truncated, mutated, rawUnicode, longLine).map((l) => l.replace(/[\r\n]/g, ' '));

/** A few lines, valid and not, as a pasted script would be. */
export const anyScript = fc
  .array(fc.oneof({ weight: 2, arbitrary: realCommand }, { weight: 3, arbitrary: anyBadLine }), { minLength: 1, maxLength: 8 })
  .map((lines) => lines.join('\n'));
