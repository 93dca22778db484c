/**
 * Mirror/redirect (net/sched/act_mirred.c). The action holds its target device by ifindex; when
 * that device goes away (mirred_device_event clears tcfm_dev) a redirect drops the packet and a
 * mirror only counts an overlimit — even if a device of the same name comes back later.
 */
import type { MirredSpec } from '../../script/ast';
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import { TC_ACT_SHOT } from '../verdict';
import { TcAction, type ActionRun } from './action';

export class MirredAction extends TcAction {
  readonly kind = 'mirred';

  constructor(
    index: number,
    control: number,
    bindcnt: number,
    installed: number,
    public spec: MirredSpec,
    /** Target ifindex; 0 once the device is gone. */
    public ifindex: number,
  ) {
    super(index, control, bindcnt, installed);
  }

  /** mirred_device_event(NETDEV_UNREGISTER): the target is gone for good. */
  deviceRemoved(name: string): void {
    if (name === this.spec.dev.value) this.ifindex = 0;
  }

  get redirect(): boolean {
    return this.spec.mode === 'redirect';
  }

  exec(run: ActionRun): number {
    this.use(run);
    if (this.ifindex === 0) {
      this.overlimits++;
      if (!this.redirect) return this.control;
      run.dropReason = 'tc mirred: target device is gone';
      return TC_ACT_SHOT;
    }
    run.host.mirred(run.pkt, this.spec.dev.value, this.spec.direction, !this.redirect);
    if (this.redirect) run.redirected = true;
    return this.control;
  }

  protected takeParams(from: TcAction): void {
    const f = from as MirredAction;
    this.spec = f.spec;
    this.ifindex = f.ifindex;
  }

  /** print_mirred: `mirred (Egress Redirect to device eth1) stolen`; a gone device prints as `*`. */
  head(): string {
    const dir = this.spec.direction === 'egress' ? 'Egress' : 'Ingress';
    const mode = this.redirect ? 'Redirect' : 'Mirror';
    const dev = this.ifindex === 0 ? '*' : this.spec.dev.value;
    return `mirred (${dir} ${mode} to device ${dev}) ${controlName(this.control)}`;
  }

  jsonHead(): JsonObject {
    return {
      kind: 'mirred',
      mirred_action: this.redirect ? 'redirect' : 'mirror',
      direction: this.spec.direction,
      to_dev: this.ifindex === 0 ? '*' : this.spec.dev.value,
      control_action: controlJson(this.control),
    };
  }

  get indexLead(): string {
    return '\tindex ';
  }
}
