/**
 * A binary min-heap of numbers in a typed array, ordered by a comparator (by default the
 * numbers themselves). The clock keeps timer slots in one, the conntrack expiry wheel its
 * seconds; neither allocates per push or pop.
 */
export class NumberHeap {
  private items = new Float64Array(64);
  size = 0;

  constructor(private readonly less: (a: number, b: number) => boolean = (a, b) => a < b) {}

  /** The smallest item; only valid when size > 0. */
  peek(): number {
    return this.items[0];
  }

  /** The i-th item in heap order (for scans that visit every item). */
  at(i: number): number {
    return this.items[i];
  }

  push(v: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const h = this.items;
    let i = this.size++;
    h[i] = v;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      const t = h[i];
      h[i] = h[p];
      h[p] = t;
      i = p;
    }
  }

  /** Removes and returns the smallest item; only valid when size > 0. */
  pop(): number {
    const h = this.items;
    const top = h[0];
    const last = h[--this.size];
    if (this.size > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.size && this.less(h[l], h[m])) m = l;
        if (r < this.size && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        const t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
      }
    }
    return top;
  }
}
