/**
 * What every action clause may end with: a control verdict (tc/tc_util.c
 * parse_action_control, whose names are matched as prefixes in this order) and `index N`.
 */
import type { Control } from './ast';
import { TC_ACT_EXT_VAL_MASK } from '../tc/verdict';
import { Cursor, keywordOf, matches, prefix } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { uint, U32 } from './values';

const CONTROL_CHAIN = prefix('continue', 'drop', 'shot', 'pass', 'ok', 'reclassify', 'pipe', 'goto', 'jump', 'trap');

/** Shared by many actions, so frozen: commands are read, never edited. */
export const PIPE: Control = Object.freeze({ kind: 'pipe' });
export const PASS: Control = Object.freeze({ kind: 'ok' });
export const STOLEN: Control = Object.freeze({ kind: 'stolen' });

export function isControlWord(t: Token): boolean {
  return keywordOf(t, CONTROL_CHAIN) !== undefined;
}

/** The control verdict at the cursor, or undefined when the next word is not one. */
export function parseControl(c: Cursor): Control | undefined {
  const t = c.peek();
  const word = keywordOf(t, CONTROL_CHAIN);
  if (!t || !word) return undefined;
  c.take();
  switch (word) {
    case 'continue':
    case 'reclassify':
    case 'pipe':
    case 'trap':
      return { kind: word };
    case 'drop':
    case 'shot':
      return { kind: 'drop' };
    case 'pass':
    case 'ok':
      return PASS;
    case 'jump':
      return failAt(t, '"jump" is not supported by the simulator: use "goto chain N"');
    case 'goto': {
      const chainKw = c.value(t);
      if (!matches(chainKw.text, 'chain')) failAt(chainKw, '"chain index" expected after "goto"');
      return { kind: 'goto', chain: uint(c.value(chainKw), 'chain index', TC_ACT_EXT_VAL_MASK, 10) };
    }
  }
}

/** The value of `index N`; 0 means "allocate one", as in tcf_idr_check_alloc. */
export function indexValue(c: Cursor, kw: Token): number | undefined {
  return uint(c.value(kw), 'index', U32, 10) || undefined;
}

/** An optional trailing `index N`. */
export function parseIndex(c: Cursor): number | undefined {
  const t = c.peek();
  if (!t || t.op || !matches(t.text, 'index')) return undefined;
  c.take();
  return indexValue(c, t);
}
