import { describe, expect, it } from 'vitest';
import { pathBars } from './PathMix';

describe('path mix bars', () => {
  it('scales each class against the largest', () => {
    expect(pathBars({ software: 0, hardware: 10, miss: 5, dropped: 2 }).map((b) => [b.name, b.width])).toEqual([
      ['software', 0],
      ['hardware', 100],
      ['miss', 50],
      ['dropped', 20],
    ]);
  });
  it('draws nothing before the first packet', () => {
    expect(pathBars({ software: 0, hardware: 0, miss: 0, dropped: 0 }).every((b) => b.width === 0)).toBe(true);
  });
});
