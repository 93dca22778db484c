/** Pure helpers of the scenario editor: line numbering and error positions. */

export interface ScenarioError {
  /** 1-based line and column, as the engine's parser reports them. */
  line: number;
  col: number;
  message: string;
}

export function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The text's offset of a 1-based line:col, clamped into the text (for placing the cursor). */
export function offsetOf(text: string, line: number, col: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return text.length;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  const lineEnd = end === -1 ? text.length : end;
  return Math.min(start + Math.max(col - 1, 0), lineEnd);
}

/** The 1-based line of the text, without its newline ('' past the end). */
export function lineAt(text: string, line: number): string {
  return text.split('\n', line)[line - 1] ?? '';
}

/** A caret under a 1-based column, the way the CLI prints it. */
export const caretUnder = (col: number): string => `${' '.repeat(Math.max(col - 1, 0))}^`;
