/**
 * Where the dots' labels go in a frame: each label is tried above right of its dot (above left
 * near the right edge), with its whole text, then with the packet id alone; a label that would
 * cover one already placed is left out, so a crowd of dots stays readable. Pure: the canvas
 * measures and draws, this decides.
 */

export interface LabelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Height of a label's background (CSS px) and the gap kept around it. */
export const LABEL_H = 16;
const MARGIN = 2;

export class LabelSpace {
  private readonly boxes: LabelBox[] = [];

  constructor(private readonly width: number) {}

  /** The box for a label `w` px wide beside a dot of radius `r` at (x, y). */
  boxFor(x: number, y: number, r: number, w: number): LabelBox {
    const left = x + r + 6 + w + 4 > this.width ? Math.max(4, x - r - 6 - w) : x + r + 6;
    return { x: left - 3, y: y - r - 4 - 12, w: w + 6, h: LABEL_H };
  }

  /** Takes the box if it is free; false when it would cover a label already placed. */
  take(b: LabelBox): boolean {
    for (const o of this.boxes) {
      if (b.x < o.x + o.w + MARGIN && o.x < b.x + b.w + MARGIN && b.y < o.y + o.h + MARGIN && o.y < b.y + b.h + MARGIN) return false;
    }
    this.boxes.push(b);
    return true;
  }
}
