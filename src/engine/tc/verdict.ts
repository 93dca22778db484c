/**
 * tc action/classifier results (include/uapi/linux/pkt_cls.h). Goto-chain verdicts carry
 * the chain in the low bits, as the kernel encodes them.
 */
export const TC_ACT_UNSPEC = -1;
export const TC_ACT_OK = 0;
export const TC_ACT_RECLASSIFY = 1;
export const TC_ACT_SHOT = 2;
export const TC_ACT_PIPE = 3;
export const TC_ACT_STOLEN = 4;
export const TC_ACT_QUEUED = 5;
export const TC_ACT_REPEAT = 6;
export const TC_ACT_REDIRECT = 7;
export const TC_ACT_TRAP = 8;
/** Internal to the kernel: the action took ownership (e.g. act_ct queued a fragment). */
export const TC_ACT_CONSUMED = 0x10000001;

export const TC_ACT_EXT_SHIFT = 28;
export const TC_ACT_JUMP = 1 << TC_ACT_EXT_SHIFT;
export const TC_ACT_GOTO_CHAIN = 2 << TC_ACT_EXT_SHIFT;
export const TC_ACT_EXT_VAL_MASK = (1 << TC_ACT_EXT_SHIFT) - 1;

export const isGotoChain = (v: number): boolean => v >= 0 && (v & ~TC_ACT_EXT_VAL_MASK) === TC_ACT_GOTO_CHAIN;
export const gotoChain = (chain: number): number => TC_ACT_GOTO_CHAIN | chain;
export const gotoTarget = (v: number): number => v & TC_ACT_EXT_VAL_MASK;

/** How iproute2 names a verdict (`pipe`, `pass`, `drop`, `goto chain 2` …). */
export function verdictName(v: number): string {
  if (isGotoChain(v)) return `goto chain ${gotoTarget(v)}`;
  switch (v) {
    case TC_ACT_UNSPEC:
      return 'unspec';
    case TC_ACT_OK:
      return 'pass';
    case TC_ACT_RECLASSIFY:
      return 'reclassify';
    case TC_ACT_SHOT:
      return 'drop';
    case TC_ACT_PIPE:
      return 'pipe';
    case TC_ACT_STOLEN:
      return 'stolen';
    case TC_ACT_QUEUED:
      return 'queued';
    case TC_ACT_REPEAT:
      return 'repeat';
    case TC_ACT_REDIRECT:
      return 'redirect';
    case TC_ACT_TRAP:
      return 'trap';
    case TC_ACT_CONSUMED:
      return 'consumed';
    default:
      return `unknown ${v}`;
  }
}
