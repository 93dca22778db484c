import { describe, expect, it } from 'vitest';
import { handlesOf } from './handles';

describe('handlesOf', () => {
  it('places the handles where the page draws them (measured in Chromium on a 300×53 chain node)', () => {
    const at = Object.fromEntries(handlesOf(300, 53).map((h) => [h.id, [h.type, h.position, h.x, h.y, h.width, h.height]]));
    expect(at).toEqual({
      l: ['target', 'left', -3, 23.5, 6, 6],
      r: ['source', 'right', 297, 23.5, 6, 6],
      t: ['target', 'top', 147, -3, 6, 6],
      b: ['source', 'bottom', 147, 50, 6, 6],
    });
  });

  it('follows the node size', () => {
    const r = handlesOf(120, 40).find((h) => h.id === 'r');
    expect([r?.x, r?.y]).toEqual([117, 17]);
  });
});
