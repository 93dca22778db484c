/**
 * Which rows of a fixed-height list are on screen, from the scroll offset alone: O(1) in the
 * number of rows, so a list of a million connections costs the page only the rows it shows.
 * (A measuring virtualizer keeps a start and size per row and rebuilds them whenever the row
 * count changes — a million entries per batch while the traffic generator fast-forwards.)
 *
 * Browsers cap an element's height (Chromium near 33.5 million px, Firefox near 17.9 million),
 * so past MAX_SCROLL_HEIGHT the scroll range is compressed: scrolling to the end still reaches
 * the last row, and the rows on screen are placed `shift` px above their unscaled position.
 */

export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface RowWindow {
  /** First and last row index to render (overscan included); last < first when there is none. */
  first: number;
  last: number;
  /** Height of the scrolled content. */
  height: number;
  /** Row i is drawn at i × rowHeight − shift. */
  shift: number;
}

export function rowWindow(scrollTop: number, viewport: number, total: number, rowHeight: number, overscan: number, maxHeight = MAX_SCROLL_HEIGHT): RowWindow {
  const full = total * rowHeight;
  const height = Math.min(full, maxHeight);
  const top = Math.max(0, Math.min(scrollTop, height - viewport));
  // Where the viewport's top would be in the unscaled list.
  const virtualTop = height > viewport && full > height ? (top * (full - viewport)) / (height - viewport) : top;
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((virtualTop + viewport) / rowHeight) - 1 + overscan);
  return { first, last, height, shift: virtualTop - top };
}

/** The row indices a window renders, first to last. */
export function rowIndices(w: RowWindow): number[] {
  return Array.from({ length: Math.max(0, w.last - w.first + 1) }, (_, i) => w.first + i);
}

export function sameWindow(a: RowWindow, b: RowWindow): boolean {
  return a.first === b.first && a.last === b.last && a.height === b.height && a.shift === b.shift;
}
