import { describe, expect, it } from 'vitest';
import { rowIndices, rowWindow, sameWindow } from './rowWindow';

describe('rowWindow', () => {
  it('is the rows under the viewport plus overscan, clamped to the list', () => {
    expect(rowWindow(0, 240, 1000, 24, 4)).toEqual({ first: 0, last: 13, height: 24_000, shift: 0 });
    expect(rowWindow(2400, 240, 1000, 24, 4)).toEqual({ first: 96, last: 113, height: 24_000, shift: 0 });
    // Half a row scrolled: the partly visible row at the bottom is included.
    expect(rowWindow(2412, 240, 1000, 24, 0)).toEqual({ first: 100, last: 110, height: 24_000, shift: 0 });
    // The end of the list.
    expect(rowWindow(23_760, 240, 1000, 24, 4)).toEqual({ first: 986, last: 999, height: 24_000, shift: 0 });
  });

  it('does not depend on the number of rows above the viewport (a million rows, near the end)', () => {
    const w = rowWindow(23_000_000, 480, 1_000_001, 24, 4, 30_000_000);
    expect(w).toEqual({ first: 958_329, last: 958_357, height: 24_000_024, shift: 0 });
  });

  it('has no rows for an empty list or a viewport not yet measured past the overscan', () => {
    expect(rowWindow(0, 240, 0, 24, 4)).toEqual({ first: 0, last: -1, height: 0, shift: 0 });
    expect(rowWindow(0, 0, 50, 24, 4)).toEqual({ first: 0, last: 3, height: 1200, shift: 0 });
  });

  it('clamps a scroll offset left over from a longer list', () => {
    expect(rowWindow(5000, 240, 20, 24, 0)).toEqual({ first: 10, last: 19, height: 480, shift: 0 });
  });

  it('compresses a list taller than the browser allows: the top and the end still show the first and last rows', () => {
    const total = 2_000_000;
    const max = 1_000_000;
    const atTop = rowWindow(0, 500, total, 24, 0, max);
    expect(atTop).toEqual({ first: 0, last: 20, height: max, shift: 0 });
    const atEnd = rowWindow(max - 500, 500, total, 24, 0, max);
    expect(atEnd.last).toBe(total - 1);
    // The last row's bottom is the viewport's bottom.
    expect((total - 1) * 24 - atEnd.shift + 24).toBe(max);
    // Half way down the scroll range is half way down the list.
    const middle = rowWindow((max - 500) / 2, 500, total, 24, 0, max);
    expect(middle.first).toBe(Math.floor((total * 24 - 500) / 2 / 24));
  });

  it('rowIndices lists the window\'s rows, none for an empty one', () => {
    expect(rowIndices(rowWindow(2412, 72, 1000, 24, 0))).toEqual([100, 101, 102, 103]);
    expect(rowIndices(rowWindow(0, 240, 0, 24, 4))).toEqual([]);
  });

  it('sameWindow compares every field', () => {
    const a = rowWindow(0, 240, 1000, 24, 4);
    expect(sameWindow(a, { ...a })).toBe(true);
    expect(sameWindow(a, { ...a, last: a.last + 1 })).toBe(false);
    expect(sameWindow(a, { ...a, shift: 1 })).toBe(false);
  });
});
