/**
 * Path classes of a packet's journey, as the page and the scenario checks name them: software
 * only (it never walked the NIC's tables: offload off, no offloaded rule, not a NIC port),
 * finished in hardware, missed in hardware and resumed in software (with what the driver
 * restored), dropped. Simulator.paths counts injected packets by class.
 */
export const PATH_SW = 0;
export const PATH_HW = 1;
export const PATH_MISS = 2;
export const PATH_DROP = 3;
export const PATH_CLASSES = 4;

export type PathClassName = 'software' | 'hardware' | 'miss' | 'dropped';
export const PATH_NAMES: readonly PathClassName[] = ['software', 'hardware', 'miss', 'dropped'];

/**
 * How the last injected packet's journey ended, kept by the simulator for `expect last …`
 * (one record, overwritten per packet). `path` is -1 before the first packet; `end` is
 * 'none' when the journey had no end (the packet was stolen or consumed without a delivery).
 */
export interface LastPacket {
  pkt: number;
  path: number;
  end: 'deliver' | 'drop' | 'none';
  /** The device it left by or was dropped on; where it went (a VM, `wire`, `host stack`); the drop reason. */
  dev: string;
  target: string;
  reason: string;
}
