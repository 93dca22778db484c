import { describe, expect, it } from 'vitest';
import { LABEL_H, LabelSpace } from './labels';

describe('label placement', () => {
  it('puts a label above right of its dot, and above left near the right edge', () => {
    const space = new LabelSpace(400);
    expect(space.boxFor(100, 100, 6, 50)).toEqual({ x: 109, y: 78, w: 56, h: LABEL_H });
    expect(space.boxFor(380, 100, 6, 50).x).toBe(318 - 3);
  });

  it('refuses a box that covers one already taken, and accepts one clear of it', () => {
    const space = new LabelSpace(400);
    expect(space.take(space.boxFor(100, 100, 6, 120))).toBe(true);
    // A dot 8 px lower: its label would cover the first one.
    expect(space.take(space.boxFor(104, 108, 6, 40))).toBe(false);
    // A dot 30 px lower is clear.
    expect(space.take(space.boxFor(104, 130, 6, 40))).toBe(true);
  });
});
