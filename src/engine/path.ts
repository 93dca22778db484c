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
