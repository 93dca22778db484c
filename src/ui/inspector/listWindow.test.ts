import { describe, expect, it } from 'vitest';
import { LIST_CAP, listWindow, STEP } from './listWindow';

describe('listWindow', () => {
  it('asks for the rows under the viewport and a step of rows beyond each edge', () => {
    // 300 px of 30 px rows: 10 rows visible (11 with a partly shown one).
    expect(listWindow(0, 300, 30, 1000)).toEqual({ offset: 0, limit: 11 + 3 * STEP, listed: 1000 });
    // Scrolled to row 100: the window starts a step before it.
    const w = listWindow(3000, 300, 30, 1000);
    expect(w.offset).toBe(88);
    expect(w.offset + w.limit).toBeGreaterThanOrEqual(100 + 11 + STEP);
  });

  it('does not move for a scroll inside a step, and covers the viewport wherever it is', () => {
    expect(listWindow(2880, 300, 30, 1000).offset).toBe(listWindow(2880 + 7 * 30, 300, 30, 1000).offset);
    for (let top = 0; top < 30_000; top += 37) {
      const w = listWindow(top, 300, 30, 1000);
      const first = Math.floor(top / 30);
      expect(w.offset).toBeLessThanOrEqual(first);
      expect(w.offset + w.limit).toBeGreaterThanOrEqual(Math.min(first + 11, 1000));
      expect(w.offset % STEP).toBe(0);
    }
  });

  it('bounds the scroll height: no room is made past LIST_CAP rows', () => {
    expect(listWindow(0, 300, 30, 5_000_000).listed).toBe(LIST_CAP);
    // A scroll offset past the end (the list shrank) asks for the last rows.
    const w = listWindow(1e9, 300, 30, 50);
    expect(w.offset + w.limit).toBeGreaterThanOrEqual(50);
    expect(w.offset).toBeLessThanOrEqual(39);
  });

  it('an empty list or a list not yet laid out asks for the first rows', () => {
    expect(listWindow(0, 0, 0, 0)).toEqual({ offset: 0, limit: 1 + 3 * STEP, listed: 0 });
  });
});
