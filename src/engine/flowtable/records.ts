/**
 * The flows of every zone's nf_flowtable (struct flow_offload: flags and timeout; its
 * conntrack is the entry itself). A conntrack entry belongs to one zone, so to at most one
 * flow, and act_ct adds a flow to the table of the entry's own zone: the flow of entry `ct` is
 * named `ct` and lives in the entry's own record (conntrack/storage.ts: H_FLOW_*), tagged with
 * the zone of the table holding it. A fast-path lookup that walked conntrack's hash to the
 * entry then finds the flow in the record it reads anyway.
 */
import { H16, H32, H_FLOW_FLAGS, H_FLOW_TO_HI, H_FLOW_TO_LO, H_FLOW_ZONE, type CtStore } from '../conntrack/storage';

const TWO_32 = 2 ** 32;

export class FlowRecords {
  constructor(private readonly store: CtStore) {}

  /** Entry slots that may hold a flow: 0 … end-1. */
  get end(): number {
    return this.store.top;
  }

  /** Zone of the table whose flow holds entry `ct`, or -1. */
  zone(ct: number): number {
    return ct < this.store.top ? this.store.h16[ct * H16 + H_FLOW_ZONE] - 1 : -1;
  }

  /** A new flow for entry `ct` in `zone`'s table, with `flags` and no timeout yet. */
  claim(ct: number, zone: number, flags: number): void {
    const s = this.store;
    s.h16[ct * H16 + H_FLOW_ZONE] = zone + 1;
    s.h16[ct * H16 + H_FLOW_FLAGS] = flags;
    s.h32[ct * H32 + H_FLOW_TO_LO] = 0;
    s.h32[ct * H32 + H_FLOW_TO_HI] = 0;
  }

  release(ct: number): void {
    this.store.h16[ct * H16 + H_FLOW_ZONE] = 0;
    this.store.h16[ct * H16 + H_FLOW_FLAGS] = 0;
  }

  flags(flow: number): number {
    return this.store.h16[flow * H16 + H_FLOW_FLAGS];
  }

  setFlags(flow: number, bits: number): void {
    this.store.h16[flow * H16 + H_FLOW_FLAGS] |= bits;
  }

  clearFlags(flow: number, bits: number): void {
    this.store.h16[flow * H16 + H_FLOW_FLAGS] &= ~bits;
  }

  timeout(flow: number): number {
    return this.store.h32[flow * H32 + H_FLOW_TO_HI] * TWO_32 + this.store.h32[flow * H32 + H_FLOW_TO_LO];
  }

  setTimeout(flow: number, at: number): void {
    this.store.h32[flow * H32 + H_FLOW_TO_HI] = Math.floor(at / TWO_32);
    this.store.h32[flow * H32 + H_FLOW_TO_LO] = at >>> 0;
  }
}
