/**
 * Checksum fixing (net/sched/act_csum.c). Checksums are not modelled, so the action only counts
 * the packets it would fix.
 */
import type { CsumSpec } from '../../script/ast';
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import { TcAction, type ActionRun } from './action';

/** TCA_CSUM_UPDATE_FLAG_* in print order, with the words iproute2 accepts for each. */
const CSUM_FLAGS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['iph', ['ip', 'iph', 'ip4h', 'ipv4h']],
  ['icmp', ['icmp']],
  ['igmp', ['igmp']],
  ['tcp', ['tcp']],
  ['udp', ['udp']],
  ['udplite', ['udplite']],
  ['sctp', ['sctp']],
];

export class CsumAction extends TcAction {
  readonly kind = 'csum';

  constructor(
    index: number,
    control: number,
    bindcnt: number,
    installed: number,
    public spec: CsumSpec,
  ) {
    super(index, control, bindcnt, installed);
  }

  exec(run: ActionRun): number {
    this.use(run);
    return this.control;
  }

  protected takeParams(from: TcAction): void {
    this.spec = (from as CsumAction).spec;
  }

  /** print_csum: `csum (iph, tcp) action pipe`. */
  head(): string {
    return `csum (${this.flags()}) action ${controlName(this.control)}`;
  }

  jsonHead(): JsonObject {
    return { kind: 'csum', csum: this.flags(), control_action: controlJson(this.control) };
  }

  private flags(): string {
    const names = CSUM_FLAGS.filter(([, words]) => this.spec.targets.some((t) => words.includes(t))).map(([name]) => name);
    return names.length ? names.join(', ') : '?empty';
  }

  get indexLead(): string {
    return '\tindex ';
  }
}
