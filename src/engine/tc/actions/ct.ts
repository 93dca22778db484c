/**
 * The ct action's tc side (net/sched/act_ct.c): counting and dumping. What it does to the packet
 * — conntrack, NAT, commit, the flowtable — is act_ct's behaviour behind the ActCtApi.
 */
import { formatIpv4 } from '../../model/addr';
import type { CtActionSpec, Label, NatSpec } from '../../script/ast';
import type { CtActionState } from '../act_ct';
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import type { TcHost } from '../host';
import { TC_ACT_SHOT } from '../verdict';
import { TcAction, type ActionRun } from './action';

export class CtAction extends TcAction {
  readonly kind = 'ct';

  constructor(
    index: number,
    control: number,
    bindcnt: number,
    installed: number,
    public state: CtActionState,
  ) {
    super(index, control, bindcnt, installed);
  }

  get spec(): CtActionSpec {
    return this.state.spec;
  }

  exec(run: ActionRun): number {
    this.use(run);
    const v = run.host.actCt.act(this.state, run.pkt, this.control);
    if (v === TC_ACT_SHOT) {
      this.drops++;
      run.dropReason = 'act_ct dropped the packet';
    }
    return v;
  }

  /** tcf_ct_init on replace: the new parameters first, then the old ones go (tcf_ct_params_free). */
  protected takeParams(from: TcAction, host: TcHost): void {
    const old = this.state;
    this.state = (from as CtAction).state;
    host.actCt.release(old);
  }

  release(host: TcHost): void {
    host.actCt.release(this.state);
  }

  /**
   * iproute2 print_ct over what tcf_ct_dump sends: `clear` alone; otherwise the mark (only with
   * a non-zero mask, in decimal), the zone (always), the label, the helper and the NAT range.
   */
  head(): string {
    const s = this.spec;
    if (s.clear) return `ct clear ${controlName(this.control)}`;
    let out = 'ct';
    if (s.commit) out += s.force ? ' commit force' : ' commit';
    if (s.mark && s.mark.mask !== 0) {
      out += ` mark ${s.mark.value >>> 0}`;
      if (s.mark.mask >>> 0 !== 0xffffffff) out += `/0x${(s.mark.mask >>> 0).toString(16)}`;
    }
    out += ` zone ${s.zone}`;
    if (s.label && s.label.mask.some((w) => w !== 0)) {
      out += ` label ${labelHex(s.label.value)}`;
      if (s.label.mask.some((w) => w >>> 0 !== 0xffffffff)) out += `/${labelHex(s.label.mask)}`;
    }
    if (s.helper) out += ` helper ${s.helper}`;
    if (s.nat) out += natText(s.nat);
    return `${out} ${controlName(this.control)}`;
  }

  jsonHead(): JsonObject {
    return ctJsonHead(this);
  }
}

/** print_ct in JSON: the same attributes; masks as `<name>_mask` hex strings, the NAT range as one string. */
export function ctJsonHead(a: CtAction): JsonObject {
  const s = a.spec;
  const out: JsonObject = { kind: 'ct' };
  if (s.clear) return { ...out, action: 'clear', control_action: controlJson(a.control) };
  if (s.commit) out.action = s.force ? 'commit force' : 'commit';
  if (s.mark && s.mark.mask !== 0) {
    out.mark = s.mark.value >>> 0;
    if (s.mark.mask >>> 0 !== 0xffffffff) out.mark_mask = (s.mark.mask >>> 0).toString(16);
  }
  out.zone = s.zone;
  if (s.label && s.label.mask.some((w) => w !== 0)) {
    out.label = labelHex(s.label.value);
    if (s.label.mask.some((w) => w >>> 0 !== 0xffffffff)) out.label += `/${labelHex(s.label.mask)}`;
  }
  if (s.helper) out.helper = s.helper;
  if (s.nat) out.nat = natText(s.nat).replace(/^ nat ?/, '');
  out.control_action = controlJson(a.control);
  return out;
}

/** hexstring_n2a over the 16 label bytes. */
export const labelHex = (l: Label): string => l.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');

/** ct_print_nat: ` nat`, or ` nat src addr A[-B] [port P[-Q]]` (the max only when it differs). */
function natText(n: NatSpec): string {
  if (n.type === 'restore') return ' nat';
  let out = ` nat ${n.type}`;
  if (n.addrMin !== undefined) {
    out += ` addr ${formatIpv4(n.addrMin)}`;
    if (n.addrMax !== undefined && n.addrMax !== n.addrMin) out += `-${formatIpv4(n.addrMax)}`;
  }
  if (n.portMin !== undefined) {
    out += ` port ${n.portMin}`;
    if (n.portMax !== undefined && n.portMax !== n.portMin) out += `-${n.portMax}`;
  }
  return out;
}
