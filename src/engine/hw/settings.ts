/**
 * The NIC's knobs (`sim KEY VALUE`). Defaults follow the talk: about 2 million connections of
 * hardware CT capacity, about 100k insertions per second, no injected faults. The proposals
 * from the talk's Q&A (offload policy, idle eviction, queue limit) are off by default.
 */
export interface OffloadPolicy {
  /** Offload a connection only after it has carried this many packets (0 = no threshold). */
  minPackets: number;
  /** … or this many bytes (0 = no threshold). Either threshold reached is enough. */
  minBytes: number;
}

export interface NicSettings {
  /** Connections the hardware CT table holds (each offloaded direction is one rule). */
  capacity: number;
  /** Probability (0–1) that the driver refuses an insertion (fault injection). */
  faultRate: number;
  /** Proposal: the host evicts the idlest connection when the table is full. */
  evictIdle: boolean;
  /** A connection idle at least this long (µs) may be evicted. */
  evictIdleUs: number;
  /** Proposal: offload only after N packets / B bytes. */
  policy: OffloadPolicy;
  /** Open vSwitch owns the rules: tc misses continue in the OVS datapath at recirc_id = chain. */
  ovs: boolean;
}

export const DEFAULT_CAPACITY = 2_000_000;
export const DEFAULT_INSERT_RATE = 100_000;

export function defaultNicSettings(): NicSettings {
  return {
    capacity: DEFAULT_CAPACITY,
    faultRate: 0,
    evictIdle: false,
    evictIdleUs: 1_000_000,
    policy: { minPackets: 0, minBytes: 0 },
    ovs: false,
  };
}
