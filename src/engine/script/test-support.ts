/** Helpers for the parser's tests: parse one line and get its command, its filter or its error. */
import type { Command, FilterSpec, SimError } from './ast';
import { parseScript } from './parse';

/** The single command of a one-line script; a parse error fails loudly with its position. */
export function parseOne(text: string): Command {
  const r = parseScript(text);
  if (!r.ok) throw new Error(`unexpected parse error ${r.error.line}:${r.error.col}: ${r.error.message}`);
  if (r.commands.length !== 1) throw new Error(`expected one command, got ${r.commands.length}`);
  return r.commands[0];
}

export function filterOf(text: string): FilterSpec {
  const cmd = parseOne(text);
  if (cmd.kind !== 'tc.filter.add') throw new Error(`expected tc.filter.add, got ${cmd.kind}`);
  return cmd.filter;
}

export function parseError(text: string): SimError {
  const r = parseScript(text);
  if (r.ok) throw new Error(`expected a parse error for: ${text}`);
  return r.error;
}

/** 1-based column of the n-th occurrence of `needle` in `text` (so tests say where, not count). */
export function colOf(text: string, needle: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found ${nth} times in: ${text}`);
  }
  return at + 1;
}

/** The error expected at the n-th occurrence of `needle` on line 1. */
export function errorAt(text: string, needle: string, message: string, nth = 1): SimError {
  return { line: 1, col: colOf(text, needle, nth), message };
}

/** A copy without `span` fields, to compare command trees by content. */
export function withoutSpans<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSpans) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'span' && v !== undefined) out[k] = withoutSpans(v);
  return out as T;
}
