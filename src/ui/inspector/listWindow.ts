/**
 * The event list's window: which rows to ask the worker for, from the scroll offset alone.
 * Every row has the same height (set in CSS, read from one row), so nothing is measured per row
 * and a list that grows with every batch costs the same as one that does not: the list's height
 * is `listed × rowHeight`, its rows are the few under the viewport. The offset moves in steps
 * of `STEP` rows so that scrolling a few pixels asks for nothing new.
 */

/** Rows the list makes room for; past them a hint asks to narrow the filter (a bounded scroll height). */
export const LIST_CAP = 100_000;
/** Rows asked for beyond each edge of the viewport, and the step the window's offset moves by. */
export const STEP = 8;

export interface ListWindow {
  /** First row asked for (a multiple of STEP) and how many. */
  offset: number;
  limit: number;
  /** Rows the scroll height makes room for: min(total, LIST_CAP). */
  listed: number;
}

export function listWindow(scrollTop: number, viewport: number, rowHeight: number, total: number): ListWindow {
  const listed = Math.min(total, LIST_CAP);
  const h = rowHeight > 0 ? rowHeight : 1;
  const first = Math.max(0, Math.floor(scrollTop / h));
  const visible = Math.ceil(Math.max(0, viewport) / h) + 1;
  const offset = Math.max(0, Math.floor((Math.min(first, Math.max(0, listed - visible)) - STEP) / STEP) * STEP);
  return { offset, limit: visible + 3 * STEP, listed };
}
