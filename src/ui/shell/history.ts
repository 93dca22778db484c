/** The shell's ↑/↓ history: a pure walk over the lines entered, newest last. */
export interface HistoryState {
  /** Index into the lines while browsing; lines.length = the line being typed. */
  index: number;
  /** What was typed before browsing started. */
  draft: string;
}

export function browse(lines: readonly string[], state: HistoryState, current: string, dir: -1 | 1): { state: HistoryState; text: string } {
  const draft = state.index === lines.length ? current : state.draft;
  const index = Math.max(0, Math.min(lines.length, state.index + dir));
  return { state: { index, draft }, text: index === lines.length ? draft : lines[index] };
}

/** A caret under column `col` (1-based) of the input line. */
export function caretLine(col: number): string {
  return `${' '.repeat(Math.max(0, col - 1))}^`;
}
