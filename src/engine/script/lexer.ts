/**
 * Script lexer: splits a script into logical lines of tokens with positions, following the
 * parts of shell word splitting that pasted commands rely on: `#` comments at the start of a
 * word, '…' and "…" quoting, backslash escapes, and a trailing backslash that joins the next
 * line. Shell expansion and control operators are not run; they are reported at their column.
 * Every step is a single forward scan, so lexing is linear in the input.
 */
import { failAt } from './errors';

export const MAX_LINE_LENGTH = 10_000;

export interface Token {
  /** The word after quote removal. */
  text: string;
  /** Physical line and 1-based columns of the word in the source (`end` is one past its last character). */
  line: number;
  col: number;
  end: number;
  /** Quotes or escapes were removed, so offsets into `text` are not source columns. */
  quoted: boolean;
  /**
   * An unquoted `>` (the arrow of `send … SRC > DST` or the redirection of `echo V > FILE`), or
   * a single `&` ending the line: the command runs in the background (`conntrack -E &`).
   */
  op: boolean;
}

const TAB = 9;
const SPACE = 32;
const DQUOTE = 34;
const HASH = 35;
const DOLLAR = 36;
const SQUOTE = 39;
const GT = 62;
const AMP = 38;
const BACKSLASH = 92;
const BACKTICK = 96;

/** Characters that end a word and that the simulator does not interpret (besides `>`). */
function isShellOperator(c: number): boolean {
  return c === 0x7c /* | */ || c === 0x26 /* & */ || c === 0x3b /* ; */ || c === 0x3c /* < */ || c === 0x28 /* ( */ || c === 0x29 /* ) */ || c === BACKTICK;
}

function isWordEnd(c: number): boolean {
  return c === SPACE || c === TAB || c === GT || isShellOperator(c);
}

function hex4(c: number): string {
  return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
}

function isUnusualSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Rejects characters no command can contain, before the line is split into words. */
function checkCharacters(s: string, line: number): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    const at = { line, col: i + 1 };
    if (c === TAB) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) failAt(at, `control character ${hex4(c)} is not allowed`);
    if (isUnusualSpace(c)) failAt(at, `invisible or non-breaking space ${hex4(c)}: retype it as a normal space`);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) failAt(at, `invalid Unicode text (unpaired surrogate ${hex4(c)})`);
  }
}

function restIsBlank(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** Only blanks, or blanks then a `#` comment, from `from` to the end of the line. */
function restIsBlankOrComment(s: string, from: number): boolean {
  let i = from;
  while (i < s.length && (s.charCodeAt(i) === SPACE || s.charCodeAt(i) === TAB)) i++;
  return i === s.length || s.charCodeAt(i) === HASH;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** `$` starts an expansion when followed by a name, a digit, `{`, `(` or a special parameter. */
function expansionAt(s: string, i: number): string | null {
  const c = s.charCodeAt(i + 1);
  if (isNameStart(c)) {
    let j = i + 2;
    while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
    return s.slice(i, j);
  }
  if (c === 0x7b /* { */) {
    const close = s.indexOf('}', i + 2);
    return close < 0 ? '${' : s.slice(i, close + 1);
  }
  if (c === 0x28 /* ( */) return '$(';
  if (i + 1 < s.length && ((c >= 48 && c <= 57) || '?@#*!$-'.includes(s.charAt(i + 1)))) return s.slice(i, i + 2);
  return null;
}

function failExpansion(i: number, line: number, name: string, commandStart: boolean): never {
  const at = { line, col: i + 1 };
  if (name === '$(') failAt(at, 'command substitution "$(…)" is not supported: paste the command with its output filled in');
  const hint = commandStart && name === '$TC' ? ': replace $TC with tc' : ': replace it with its value';
  failAt(at, `unexpanded shell variable "${name}"${hint}`);
}

class LineLexer {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly line: number,
    private readonly out: Token[],
  ) {}

  /** Lexes the line into `out`; true when a trailing backslash continues it on the next line. */
  run(): boolean {
    const { s } = this;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === SPACE || c === TAB) {
        this.i++;
      } else if (c === HASH) {
        return false;
      } else if (c === BACKSLASH && restIsBlank(s, this.i + 1)) {
        return true;
      } else if (c === GT) {
        if (s.charCodeAt(this.i + 1) === GT) failAt(this.at(this.i), 'append redirection ">>" is not supported');
        this.out.push({ text: '>', line: this.line, col: this.i + 1, end: this.i + 2, quoted: false, op: true });
        this.i++;
      } else if (c === AMP && s.charCodeAt(this.i + 1) !== AMP && restIsBlankOrComment(s, this.i + 1)) {
        this.out.push({ text: '&', line: this.line, col: this.i + 1, end: this.i + 2, quoted: false, op: true });
        this.i++;
      } else if (isShellOperator(c)) {
        const two = s.slice(this.i, this.i + 2);
        const op = two === '&&' || two === '||' ? two : s.charAt(this.i);
        failAt(this.at(this.i), `shell syntax "${op}" is not supported: write one command per line`);
      } else {
        this.word();
      }
    }
    return false;
  }

  private at(i: number) {
    return { line: this.line, col: i + 1 };
  }

  private word(): void {
    const { s } = this;
    const start = this.i;
    const commandStart = this.out.length === 0;
    let text = '';
    let quoted = false;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (isWordEnd(c)) break;
      if (c === SQUOTE) {
        const close = s.indexOf("'", this.i + 1);
        if (close < 0) failAt(this.at(this.i), 'unterminated quote');
        text += s.slice(this.i + 1, close);
        quoted = true;
        this.i = close + 1;
      } else if (c === DQUOTE) {
        text += this.doubleQuoted();
        quoted = true;
      } else if (c === BACKSLASH) {
        // A trailing backslash (continuation) ends the word; otherwise it escapes one character.
        if (restIsBlank(s, this.i + 1)) break;
        text += s.charAt(this.i + 1);
        quoted = true;
        this.i += 2;
      } else if (c === DOLLAR && expansionAt(s, this.i) !== null) {
        failExpansion(this.i, this.line, expansionAt(s, this.i)!, commandStart && this.i === start);
      } else {
        text += s.charAt(this.i);
        this.i++;
      }
    }
    this.out.push({ text, line: this.line, col: start + 1, end: this.i + 1, quoted, op: false });
  }

  /** Reads "…" starting at the opening quote; `\` escapes only $ ` " \ as in the shell. */
  private doubleQuoted(): string {
    const { s } = this;
    const open = this.i;
    let text = '';
    this.i++;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === DQUOTE) {
        this.i++;
        return text;
      }
      if (c === BACKSLASH && this.i + 1 < s.length && '$`"\\'.includes(s.charAt(this.i + 1))) {
        text += s.charAt(this.i + 1);
        this.i += 2;
        continue;
      }
      if (c === DOLLAR && expansionAt(s, this.i) !== null) failExpansion(this.i, this.line, expansionAt(s, this.i)!, false);
      if (c === BACKTICK) failAt(this.at(this.i), 'command substitution "`…`" is not supported: paste the command with its output filled in');
      text += s.charAt(this.i);
      this.i++;
    }
    failAt(this.at(open), 'unterminated quote');
  }
}

/** Iterates the logical lines of a script: comments and blank lines skipped, continuations joined. */
export class Lexer {
  private pos = 0;
  private lineNo = 0;

  constructor(private readonly text: string) {}

  /** Tokens of the next non-empty logical line, or null at the end of the script. */
  nextLine(): Token[] | null {
    const tokens: Token[] = [];
    for (let s = this.readPhysical(); s !== null; s = this.readPhysical()) {
      checkCharacters(s, this.lineNo);
      const continues = new LineLexer(s, this.lineNo, tokens).run();
      if (!continues && tokens.length > 0) return tokens;
    }
    return tokens.length > 0 ? tokens : null;
  }

  private readPhysical(): string | null {
    if (this.pos > this.text.length) return null;
    const nl = this.text.indexOf('\n', this.pos);
    const stop = nl < 0 ? this.text.length : nl;
    let s = this.text.slice(this.pos, stop);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    this.pos = stop + 1;
    this.lineNo++;
    if (s.length > MAX_LINE_LENGTH) failAt({ line: this.lineNo, col: MAX_LINE_LENGTH + 1 }, `line is longer than ${MAX_LINE_LENGTH} characters`);
    return s;
  }
}
