import { describe, expect, it } from 'vitest';
import { BEHIND, covers, WINDOW, windowOffset } from './ctWindow';

describe('the conntrack window', () => {
  it('covers the visible rows only when it holds all of them, or all there are', () => {
    const win = { offset: 100, length: WINDOW, total: 1_000_000 };
    expect(covers(win, 100, 130)).toBe(true);
    expect(covers(win, 99, 130)).toBe(false);
    expect(covers(win, 100 + WINDOW - 31, 100 + WINDOW - 1)).toBe(true);
    expect(covers(win, 100 + WINDOW - 30, 100 + WINDOW)).toBe(false);
    expect(covers({ offset: 0, length: 12, total: 12 }, 0, 30)).toBe(true);
  });

  it('reaches ahead in the direction of the scroll', () => {
    expect(windowOffset(1000, 1030, 1)).toBe(1000 - BEHIND);
    expect(windowOffset(1000, 1030, -1)).toBe(1030 + BEHIND - WINDOW + 1);
    expect(covers({ offset: windowOffset(1000, 1030, -1), length: WINDOW, total: 1e6 }, 1000, 1030)).toBe(true);
    expect(windowOffset(3, 30, 1)).toBe(0);
    expect(windowOffset(3, 30, -1)).toBe(0);
  });
});
