/**
 * The engine must run unchanged in Node (CLI, tests, benchmark) and in a Web Worker, and replay
 * identically from a seed. So no engine source may import UI/worker/CLI code, browser or Node
 * APIs, or read wall-clock time, real timers or Math.random; and, to stay forkable (fork.ts),
 * none may keep #private fields. This scans every non-test .ts file under src/engine with a
 * small lexer that ignores comments and string contents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENGINE_DIR = dirname(fileURLToPath(import.meta.url));
const SRC_DIR = dirname(ENGINE_DIR);

const FORBIDDEN_PACKAGES = ['react', 'react-dom', 'comlink', 'zustand'];
const FORBIDDEN_DIRS = ['ui', 'worker', 'cli'].map((d) => join(SRC_DIR, d));
const NODE_BUILTINS = new Set(builtinModules);

/** Globals (matched as whole identifiers, not as `x.name` properties) and member expressions. */
const FORBIDDEN_GLOBALS = ['window', 'document', 'self', 'globalThis', 'postMessage', 'setTimeout', 'setInterval'];
const FORBIDDEN_EXPRESSIONS: Array<[string, RegExp]> = [
  ['Date.now', /\bDate\s*\.\s*now\b/],
  ['new Date', /\bnew\s+Date\b/],
  ['performance.now', /\bperformance\s*\.\s*now\b/],
  ['Math.random', /\bMath\s*\.\s*random\b/],
  // A fork (fork.ts) copies own properties; a #private field is invisible to it.
  ['#private fields', /#[A-Za-z_$]/],
];

interface Lexed {
  /** The source with comments blanked; string literals kept (for import specifiers). */
  code: string;
  /** The source with comments and the contents of string/template/regex literals blanked. */
  bare: string;
}

/** After these characters a `/` starts a regular expression rather than a division. */
const REGEX_MAY_FOLLOW = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

/**
 * Blanks comments and literal contents with spaces, keeping newlines so offsets map to the
 * same lines. Template `${…}` expressions are blanked too: engine code that hides a forbidden
 * call inside one is not worth a real parser.
 */
function lex(src: string): Lexed {
  let code = '';
  let bare = '';
  let lastSignificant = '';
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    let end: number;
    if (c === '/' && next === '/') {
      end = src.indexOf('\n', i);
      if (end < 0) end = src.length;
      code += blank(src.slice(i, end));
      bare += blank(src.slice(i, end));
    } else if (c === '/' && next === '*') {
      const close = src.indexOf('*/', i + 2);
      end = close < 0 ? src.length : close + 2;
      code += blank(src.slice(i, end));
      bare += blank(src.slice(i, end));
    } else if (c === "'" || c === '"' || c === '`' || (c === '/' && REGEX_MAY_FOLLOW.has(lastSignificant))) {
      end = literalEnd(src, i);
      code += src.slice(i, end);
      bare += c + blank(src.slice(i + 1, end - 1)) + src[end - 1];
      lastSignificant = 'x';
    } else {
      end = i + 1;
      code += c;
      bare += c;
      if (!/\s/.test(c)) lastSignificant = /[\w$)\].]/.test(c) ? 'x' : c;
    }
    i = end;
  }
  return { code, bare };
}

/** Index just past the literal opening at `start`; backslash escapes skip a character. */
function literalEnd(src: string, start: number): number {
  const quote = src[start];
  let inClass = false;
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (quote === '/' && c === '[') inClass = true;
    else if (quote === '/' && c === ']') inClass = false;
    else if (c === quote && !inClass) return i + 1;
    else if (c === '\n' && quote !== '`') return i;
  }
  return src.length;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const IMPORT_PATTERN = /\b(?:import|export)\s[^;]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*\(?\s*(['"])([^'"]+)\3|\brequire\s*\(\s*(['"])([^'"]+)\5/g;

function forbiddenImport(file: string, specifier: string): string | undefined {
  const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (FORBIDDEN_PACKAGES.includes(pkg)) return `imports ${specifier}`;
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(pkg)) return `imports Node built-in ${specifier}`;
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    const layer = FORBIDDEN_DIRS.find((d) => target === d || target.startsWith(d + sep));
    if (layer) return `imports ${specifier} (src/${relative(SRC_DIR, layer)})`;
  }
  return undefined;
}

/** What may stand before a member name being declared: a line start, `{`, `,` or `;`, then modifiers. */
const MEMBER_BEFORE = /(?:^|[\n{,;])[ \t]*(?:(?:public|private|protected|static|readonly|override|async|get|set)\s+)*$/;
/** What follows a member name being declared: `:` (key, field) or a parameter list then `:` or `{` (method). */
const MEMBER_AFTER = /^\s*(?:\??\s*:|\((?:[^()]|\([^()]*\))*\)\s*[:{])/;

/** True when the identifier at [start, end) declares a key, field or method of that name (`setTimeout(at: number) {`). */
function declaresMember(bare: string, start: number, end: number): boolean {
  return MEMBER_BEFORE.test(bare.slice(Math.max(0, start - 200), start)) && MEMBER_AFTER.test(bare.slice(end, end + 200));
}

/** Every violation in one source text, as `LINE: what`. */
function findViolations(file: string, src: string): string[] {
  const { code, bare } = lex(src);
  const found: Array<[number, string]> = [];
  for (const m of code.matchAll(IMPORT_PATTERN)) {
    const specifier = m[2] ?? m[4] ?? m[6];
    const why = forbiddenImport(file, specifier);
    if (why) found.push([m.index, why]);
  }
  for (const name of FORBIDDEN_GLOBALS) {
    for (const m of bare.matchAll(new RegExp(`(?<!\\.\\s*|\\$)\\b${name}\\b(?!\\$)`, 'g'))) {
      if (!declaresMember(bare, m.index, m.index + name.length)) found.push([m.index, `uses ${name}`]);
    }
  }
  for (const [name, pattern] of FORBIDDEN_EXPRESSIONS) {
    for (const m of bare.matchAll(new RegExp(pattern, 'g'))) found.push([m.index, `uses ${name}`]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([offset, why]) => `${lineOf(src, offset)}: ${why}`);
}

function engineSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return engineSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('engine purity', () => {
  it('no engine source imports UI/worker/CLI/Node code or touches browser APIs, wall time or Math.random', () => {
    const files = engineSources(ENGINE_DIR);
    expect(files).toContain(join(ENGINE_DIR, 'simulator.ts'));
    const violations = files.flatMap((file) =>
      findViolations(file, readFileSync(file, 'utf8')).map((v) => `src/${relative(SRC_DIR, file)}:${v}`),
    );
    expect(violations).toEqual([]);
  });
});

describe('the purity scanner', () => {
  const file = join(ENGINE_DIR, 'tc', 'example.ts');

  it('names each forbidden import with its line', () => {
    const src = [
      "import { useState } from 'react';",
      "import { createRoot } from 'react-dom/client';",
      "import * as Comlink from 'comlink';",
      "import { create } from 'zustand/vanilla';",
      "import { App } from '../../ui/App';",
      "export { run } from '../../worker/sim.worker';",
      "const args = await import('../../cli/args');",
      "import { readFileSync } from 'node:fs';",
      "const os = require('os');",
      "import type { Env } from '../env';",
      "import { uiHelpers } from './ui/helpers';",
    ].join('\n');
    expect(findViolations(file, src)).toEqual([
      '1: imports react',
      '2: imports react-dom/client',
      '3: imports comlink',
      '4: imports zustand/vanilla',
      '5: imports ../../ui/App (src/ui)',
      '6: imports ../../worker/sim.worker (src/worker)',
      '7: imports ../../cli/args (src/cli)',
      '8: imports Node built-in node:fs',
      '9: imports Node built-in os',
    ]);
  });

  it('names each forbidden global and call with its line', () => {
    const src = [
      'const w = window.innerWidth;',
      'document.title = "x";',
      'self.postMessage(1);',
      'const g = globalThis;',
      'const t = Date.now();',
      'const d = new Date();',
      'const p = performance . now();',
      'const r = Math.random();',
      'setTimeout(f, 1); setInterval(f, 1);',
      'class A { #n = 1; }',
    ].join('\n');
    expect(findViolations(file, src)).toEqual([
      '1: uses window',
      '2: uses document',
      '3: uses self',
      '4: uses globalThis',
      '5: uses Date.now',
      '6: uses new Date',
      '7: uses performance.now',
      '8: uses Math.random',
      '9: uses setTimeout',
      '9: uses setInterval',
      '10: uses #private fields',
    ]);
  });

  it('ignores comments, literal contents, longer identifiers, and members that share a forbidden name', () => {
    const src = [
      '// Math.random() is never called: see window',
      '/* setTimeout(() => {}, 1); new Date()',
      '   document */',
      "const msg = 'cannot redirect to self: see Date.now';",
      'const tpl = `new Date ${1} // not a comment`;',
      'const re = /["\'/]self/g;',
      'const ratio = a / b / c; const selfTest = this.window + opts.self;',
      "const url = 'http://example/*not a comment*/'; const $self = 1;",
      'const opts = { self: 1, window: 2 };',
      'interface Timers { setInterval?: number }',
      '  private setTimeout(flow: number, cb: (at: number) => void): void {',
      'return window;',
      'const x = cond ? self : other; setTimeout(() => { tick(); }, 1);',
    ].join('\n');
    expect(findViolations(file, src)).toEqual(['12: uses window', '13: uses self', '13: uses setTimeout']);
  });
});
