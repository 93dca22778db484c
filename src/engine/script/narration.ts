/**
 * Narration: the `## key: text` comments that turn a scenario into a talk. To the lexer they are
 * ordinary `#` comments, so CLI runs and the parser never see them; readNarration reads them
 * beside the script for the presenter. A checkpoint covers the commands from its marker up to the
 * next marker; the lines before the first marker are setup.
 */
import type { SimError } from './ast';
import { failAt, ScriptError } from './errors';
import type { Token } from './lexer';
import { ifname, uint, U32 } from './values';

/** The part of the pipeline a checkpoint brings into view. */
export type Focus =
  | { kind: 'device'; dev: string; chain?: number }
  | { kind: 'conntrack' }
  | { kind: 'flowtable' }
  | { kind: 'hw' };

export interface Checkpoint {
  /** 1-based position among the checkpoints. */
  index: number;
  title: string;
  /** 1-based line of the `## checkpoint:` marker. */
  line: number;
  /** Start lines of the first and last command of the segment (a continued command counts at its first line). */
  firstCommandLine: number;
  lastCommandLine: number;
  say: string[];
  notes: string[];
  focus?: Focus;
}

export interface Narration {
  title?: string;
  description?: string;
  checkpoints: Checkpoint[];
}

const KEYS = ['title', 'description', 'checkpoint', 'say', 'note', 'focus'] as const;
type Key = (typeof KEYS)[number];

/** `## word:` at the start of a line (after blanks); plain `##` comments without the colon stay comments. */
const NARRATION_LINE = /^(\s*##\s+)([A-Za-z][\w-]*):(.*)$/;

interface Draft extends Checkpoint {
  focusLine?: number;
}

export function readNarration(text: string): Narration | { error: SimError } {
  try {
    return read(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    if (e instanceof ScriptError) return { error: e.error };
    throw e;
  }
}

function read(text: string): Narration {
  const lines = text.split('\n');
  const narration: Narration = { checkpoints: [] };
  const descriptions: string[] = [];
  let titleLine = 0;
  let open: Draft | undefined;
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const isContinuation = continued;
    continued = false;
    const trimmed = raw.trim();
    if (!isContinuation) {
      const m = NARRATION_LINE.exec(raw);
      if (m) {
        const keyCol = m[1].length + 1;
        const key = m[2];
        const valueCol = keyCol + key.length + 1 + (m[3].length - m[3].trimStart().length);
        const value = m[3].trim();
        if (!(KEYS as readonly string[]).includes(key)) {
          failAt({ line: lineNo, col: keyCol }, `unknown narration key "${key}" (expected one of: ${KEYS.join(', ')})`);
        }
        const at = { line: lineNo, col: valueCol };
        switch (key as Key) {
          case 'title':
            if (titleLine) failAt({ line: lineNo, col: keyCol }, `the title is given twice (first on line ${titleLine})`);
            narration.title = nonEmpty(value, at, 'title');
            titleLine = lineNo;
            break;
          case 'description':
            descriptions.push(nonEmpty(value, at, 'description'));
            break;
          case 'checkpoint':
            if (open) narration.checkpoints.push(close(open));
            open = { index: narration.checkpoints.length + 1, title: nonEmpty(value, at, 'checkpoint title'), line: lineNo, firstCommandLine: 0, lastCommandLine: 0, say: [], notes: [] };
            break;
          case 'say':
          case 'note':
          case 'focus': {
            if (!open) failAt({ line: lineNo, col: keyCol }, `"${key}" before any "## checkpoint:" (it belongs to a checkpoint)`);
            if (key === 'say') open.say.push(nonEmpty(value, at, 'say text'));
            else if (key === 'note') open.notes.push(nonEmpty(value, at, 'note'));
            else {
              if (open.focusLine) failAt({ line: lineNo, col: keyCol }, `this checkpoint already has a focus (line ${open.focusLine})`);
              open.focus = readFocus(m[3], lineNo, keyCol + key.length + 1);
              open.focusLine = lineNo;
            }
            break;
          }
        }
        continue;
      }
    }
    if (isContinuation || (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith('>'))) {
      // A command line (or the rest of one): `\` at the end joins the next physical line.
      continued = raw.endsWith('\\');
      if (!isContinuation && open) {
        if (!open.firstCommandLine) open.firstCommandLine = lineNo;
        open.lastCommandLine = lineNo;
      }
    }
  }
  if (open) narration.checkpoints.push(close(open));
  if (descriptions.length) narration.description = descriptions.join(' ');
  return narration;
}

function nonEmpty(value: string, at: { line: number; col: number }, what: string): string {
  if (!value) failAt(at, `missing ${what}`);
  return value;
}

/** A checkpoint is a step of the run: without a command it would have no cursor of its own. */
function close(draft: Draft): Checkpoint {
  if (!draft.firstCommandLine) failAt({ line: draft.line, col: 1 }, `checkpoint "${draft.title}" has no commands before the next checkpoint or the end`);
  const { focusLine: _focusLine, ...checkpoint } = draft;
  return checkpoint;
}

/** The words of a focus value with their columns (narration is prose, not shell: no quoting). */
function words(value: string, line: number, col: number): Token[] {
  const out: Token[] = [];
  for (const m of value.matchAll(/\S+/g)) {
    const start = col + m.index;
    out.push({ text: m[0], line, col: start, end: start + m[0].length, quoted: false, op: false });
  }
  return out;
}

/** `DEV [chain N]`, `conntrack`, `flowtable` or `hw`. */
function readFocus(value: string, line: number, col: number): Focus {
  const w = words(value, line, col);
  if (w.length === 0) failAt({ line, col: col + value.length }, 'missing focus (DEV [chain N], conntrack, flowtable or hw)');
  const [first, ...rest] = w;
  if (first.text === 'conntrack' || first.text === 'flowtable' || first.text === 'hw') {
    if (rest.length) failAt(rest[0], `unexpected "${rest[0].text}" after focus ${first.text}`);
    return { kind: first.text };
  }
  const dev = ifname(first).value;
  if (rest.length === 0) return { kind: 'device', dev };
  if (rest[0].text !== 'chain') failAt(rest[0], `unexpected "${rest[0].text}" in focus: expected "chain N"`);
  if (rest.length < 2) failAt({ line, col: rest[0].end }, 'missing chain index after "chain"');
  if (rest.length > 2) failAt(rest[2], `unexpected "${rest[2].text}" after the chain index`);
  return { kind: 'device', dev, chain: uint(rest[1], 'chain index', U32, 10) };
}
