/**
 * 128-bit ct labels (nf_conntrack_labels.c). Most entries never get a label, so labels live
 * in a side table keyed by slot, holding only non-zero labels.
 */
import type { Label } from '../script/ast';
import { F_LABEL, type CtStore } from './storage';
import { H8, H_FLAGS } from './storage';

export const NO_LABEL: Label = [0, 0, 0, 0];

type Words = [number, number, number, number];

export class LabelTable {
  private readonly bySlot = new Map<number, Words>();

  constructor(private readonly store: CtStore) {}

  get(slot: number): Label {
    return this.store.h8[slot * H8 + H_FLAGS] & F_LABEL ? this.bySlot.get(slot)! : NO_LABEL;
  }

  /**
   * nf_connlabels_replace(): each 32-bit word becomes (old & ~mask) ^ value — the value is
   * not masked, as in the kernel. No-op for an all-zero mask (tcf_ct_act_set_labels).
   */
  replace(slot: number, value: Label, mask: Label): void {
    if ((mask[0] | mask[1] | mask[2] | mask[3]) === 0) return;
    const old = this.get(slot);
    const next: Words = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++) next[i] = ((old[i] & ~mask[i]) ^ value[i]) >>> 0;
    if ((next[0] | next[1] | next[2] | next[3]) === 0) {
      this.delete(slot);
    } else {
      this.bySlot.set(slot, next);
      this.store.h8[slot * H8 + H_FLAGS] |= F_LABEL;
    }
  }

  delete(slot: number): void {
    if (!(this.store.h8[slot * H8 + H_FLAGS] & F_LABEL)) return;
    this.bySlot.delete(slot);
    this.store.h8[slot * H8 + H_FLAGS] &= ~F_LABEL;
  }
}

/** The label as 32 hex digits, as tc and conntrack print it. */
export function formatLabel(l: Label): string {
  let s = '';
  for (const w of l) s += (w >>> 0).toString(16).padStart(8, '0');
  return s;
}
