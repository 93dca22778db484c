/**
 * Action control verdicts: the words after an action (`pipe`, `drop`, `goto chain 2` …) as the
 * kernel encodes them (TC_ACT_*) and as iproute2 prints them back (tc_util.c action_n2a).
 */
import type { JsonObject } from '../render/json_writer';
import type { Control } from '../script/ast';
import {
  TC_ACT_OK,
  TC_ACT_PIPE,
  TC_ACT_RECLASSIFY,
  TC_ACT_SHOT,
  TC_ACT_STOLEN,
  TC_ACT_TRAP,
  TC_ACT_UNSPEC,
  gotoChain,
  gotoTarget,
  isGotoChain,
} from './verdict';

/** `continue` is TC_ACT_UNSPEC: the classifier goes on with the next tcf_proto. */
export function controlValue(c: Control): number {
  switch (c.kind) {
    case 'pipe':
      return TC_ACT_PIPE;
    case 'ok':
      return TC_ACT_OK;
    case 'drop':
      return TC_ACT_SHOT;
    case 'continue':
      return TC_ACT_UNSPEC;
    case 'reclassify':
      return TC_ACT_RECLASSIFY;
    case 'stolen':
      return TC_ACT_STOLEN;
    case 'trap':
      return TC_ACT_TRAP;
    case 'goto':
      return gotoChain(c.chain);
  }
}

/** print_action_control in JSON: `{"type": "pipe"}`, `{"type": "goto", "chain": 2}`. */
export function controlJson(v: number): JsonObject {
  return isGotoChain(v) ? { type: 'goto', chain: gotoTarget(v) } : { type: controlName(v) };
}

/** print_action_control: `pass`, `drop`, `continue`, `goto chain 2` … */
export function controlName(v: number): string {
  if (isGotoChain(v)) return `goto chain ${gotoTarget(v)}`;
  switch (v) {
    case TC_ACT_UNSPEC:
      return 'continue';
    case TC_ACT_OK:
      return 'pass';
    case TC_ACT_SHOT:
      return 'drop';
    case TC_ACT_RECLASSIFY:
      return 'reclassify';
    case TC_ACT_PIPE:
      return 'pipe';
    case TC_ACT_STOLEN:
      return 'stolen';
    case TC_ACT_TRAP:
      return 'trap';
    default:
      return String(v);
  }
}
