/**
 * Which rows the conntrack table asks the worker for. The table reads the worker's entries in
 * windows; while the list scrolls, the next window is placed ahead of the scroll so that the
 * rows the next frames bring in are already there, and only one window is asked at a time (a
 * fast scroll would otherwise queue a request per frame in the worker, each answer stale on
 * arrival).
 */

/** Rows asked for at once. */
export const WINDOW = 240;
/** Rows kept behind the visible ones (in the scroll's direction the rest of the window is ahead). */
export const BEHIND = 16;

/** The rows a window holds. */
export interface Span {
  offset: number;
  length: number;
  total: number;
}

/** Whether a window holds every row from `first` to `last` (or every row there is past `first`). */
export function covers(win: Span, first: number, last: number): boolean {
  return first >= win.offset && (last < win.offset + win.length || win.offset + win.length >= win.total);
}

/**
 * Where the next window starts for visible rows `first`…`last`: BEHIND rows before them when
 * scrolling down (dir ≥ 0), so that the window reaches ahead; when scrolling up, it ends
 * BEHIND rows after them.
 */
export function windowOffset(first: number, last: number, dir: number): number {
  const start = dir >= 0 ? first - BEHIND : last + BEHIND - WINDOW + 1;
  return Math.max(0, start);
}
