/**
 * Parse errors. Inside the parser a bad token throws a ScriptError (recursive descent stays
 * readable without threading results through every call); parseScript catches it and turns
 * it into the SimError value the API returns, so nothing escapes to the caller.
 */
import type { SimError } from './ast';

export interface Position {
  line: number;
  col: number;
}

export class ScriptError extends Error {
  constructor(readonly error: SimError) {
    super(error.message);
  }
}

export function failAt(at: Position, message: string): never {
  throw new ScriptError({ line: at.line, col: at.col, message });
}
