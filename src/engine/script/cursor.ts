/**
 * Walking the tokens of one command, and matching keywords the way iproute2 does: most of its
 * keywords are compared with `matches()` (any prefix selects the first keyword of an if-chain,
 * so `pref` is `preference` and `proto` is `protocol`), a few with `strcmp`.
 */
import type { Span, Spanned } from './ast';
import { failAt, type Position } from './errors';
import type { Token } from './lexer';

export function spanOf(t: Token): Span {
  return { line: t.line, col: t.col, end: t.end };
}

export function spanned(t: Token): Spanned<string> {
  return { value: t.text, span: spanOf(t) };
}

/** Where character `offset` of a token's text is in the source (its start when quoting hides it). */
export function positionIn(t: Token, offset: number): Position {
  return { line: t.line, col: t.quoted ? t.col : t.col + offset };
}

/** iproute2 `matches(word, keyword)`: `word` is a non-empty prefix of `keyword`. */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && keyword.startsWith(word);
}

/** A keyword that accepts abbreviations (`matches`) or only its full spelling (`strcmp`). */
export type Keyword<K extends string> = readonly [K, 'prefix' | 'exact'];

export const prefix = <K extends string>(...words: K[]): Keyword<K>[] => words.map((w) => [w, 'prefix'] as const);
export const exact = <K extends string>(...words: K[]): Keyword<K>[] => words.map((w) => [w, 'exact'] as const);

/** The first keyword of an iproute2 if-chain that the token selects. */
export function keywordOf<K extends string>(t: Token | undefined, chain: readonly Keyword<K>[]): K | undefined {
  if (!t || t.op) return undefined;
  for (const [word, how] of chain) {
    if (how === 'exact' ? t.text === word : matches(t.text, word)) return word;
  }
  return undefined;
}

export class Cursor {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  take(): Token | undefined {
    const t = this.tokens[this.i];
    if (t) this.i++;
    return t;
  }

  /** Steps back over the token just taken. */
  unread(): void {
    this.i--;
  }

  /** The argument of keyword `kw`; a missing one is reported at the keyword. */
  value(kw: Token): Token {
    const t = this.tokens[this.i];
    if (!t || t.op) failAt(kw, `missing argument after "${kw.text}"`);
    this.i++;
    return t;
  }

  /** The command must end here. */
  end(): void {
    const t = this.peek();
    if (t) failAt(t, `unexpected "${t.text}"`);
  }
}

/** Reports a keyword given twice. */
export class Once {
  private readonly seen = new Set<string>();

  mark(name: string, kw: Token): void {
    if (this.seen.has(name)) failAt(kw, `duplicate "${name}"`);
    this.seen.add(name);
  }

  has(name: string): boolean {
    return this.seen.has(name);
  }
}
