/**
 * Generic actions (net/sched/act_gact.c): the action is its control verdict — pass, drop,
 * continue, reclassify, goto chain … Drops are counted in the action's queue stats.
 */
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import { TC_ACT_SHOT } from '../verdict';
import { TcAction, type ActionRun } from './action';

export class GactAction extends TcAction {
  readonly kind = 'gact';

  exec(run: ActionRun): number {
    this.use(run);
    if (this.control === TC_ACT_SHOT) this.drops++;
    return this.control;
  }

  protected takeParams(): void {}

  /** print_gact always prints the probability line (zeroed when no `random` was given). */
  head(): string {
    return `gact action ${controlName(this.control)}\n\t random type none pass val 0`;
  }

  /** print_gact: the zeroed probability object is printed too ("to keep consistent output"). */
  jsonHead(): JsonObject {
    return { kind: 'gact', control_action: controlJson(this.control), prob: { random_type: 'none', control_action: { type: 'pass' }, val: 0 } };
  }

  summary(): string {
    return `gact action ${controlName(this.control)}`;
  }
}
