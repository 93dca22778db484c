/**
 * nf_conntrack's per-CPU statistics (struct ip_conntrack_stat), for `conntrack -S`. The
 * simulator runs on one CPU, so there is one set. Each counter is incremented where the kernel
 * increments it (nf_conntrack_core.c); counters of paths the engine does not have stay 0
 * (search_restart: a hash resize racing a lookup; chaintoolong: a bucket chain over
 * MAX_CHAINLEN; clash_resolve: two CPUs confirming the same flow).
 */
export class CtStats {
  /** nf_conntrack_tuple_taken() found the tuple in use (NAT picks another). */
  found = 0;
  /** nf_conntrack_in(): no entry could be attached, or the L4 tracker refused the packet. */
  invalid = 0;
  /** nf_conntrack_in() met a packet that already carries an entry or is untracked (counted up to 5.10). */
  ignore = 0;
  /** __nf_conntrack_confirm() hashed an entry. */
  insert = 0;
  /** __nf_conntrack_confirm() found a tuple taken. */
  insert_failed = 0;
  /** nf_conntrack_in() dropped the packet (table full, clash not resolved). */
  drop = 0;
  /** early_drop() evicted an unassured entry to make room. */
  early_drop = 0;
  /** nf_conntrack_in() could not read the packet, or an ICMP error quoted no known connection. */
  error = 0;
  search_restart = 0;
  clash_resolve = 0;
  chaintoolong = 0;
}
