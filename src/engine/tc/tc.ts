/**
 * tc on the simulated host: qdiscs, filters and actions as `tc` commands build them, and the
 * classification the datapath runs. Commands behave as the kernel handles the netlink request
 * iproute2 sends (cls_api.c tc_new_tfilter / tc_del_tfilter / tc_ctl_chain, sch_api.c,
 * act_api.c) and fail with what iproute2 prints; a failed command changes nothing.
 */
import type { Where } from '../events';
import type { Device } from '../model/devices';
import type { Packet } from '../model/packet';
import { renderActionList, renderFilters } from '../render/tc';
import { renderActionListJson, renderFiltersJson } from '../render/tc_json';
import type { Command, Hook } from '../script/ast';
import type { ActionKind } from './actions/action';
import { MirredAction } from './actions/mirred';
import { ActionTables, type Acquired } from './actions/table';
import { Classifier, type ClassifyResult } from './classify';
import { FLUSH_ERROR, kernelError, noDevice, talkError, type TcError } from './errors';
import { tcBehaviour, type TcBehaviour } from './features';
import { FilterOps, findBlock, missingDevice } from './filter_ops';
import type { TcHost } from './host';
import { Qdisc, type Chain, type Filter, type QdiscKind } from './objects';
import { TC_ACT_EXT_VAL_MASK } from './verdict';

export type TcCommand = Extract<Command, { kind: `tc.${string}` }>;

/** A command's output (show commands, warnings), or the error iproute2 would print. */
export type TcExecResult = { output?: string } | { error: TcError };

const ACTION_KINDS: readonly ActionKind[] = ['ct', 'gact', 'mirred', 'tunnel_key', 'pedit', 'csum'];
const isActionKind = (k: string): k is ActionKind => (ACTION_KINDS as readonly string[]).includes(k);

export class Tc {
  readonly actions: ActionTables;
  private readonly qdiscs = new Map<string, Qdisc>();
  /**
   * The same qdiscs indexed by their device's ifindex: what the datapath reads per packet, as
   * sch_handle_ingress reads dev->miniq_ingress instead of looking the qdisc up by name.
   */
  private readonly qdiscByIfindex: (Qdisc | undefined)[] = [];
  private readonly classifier: Classifier;
  private readonly filters: FilterOps;

  constructor(readonly host: TcHost) {
    this.actions = new ActionTables(host);
    this.classifier = new Classifier(host, this.qdiscByIfindex);
    this.filters = new FilterOps(host, this.actions, this.qdiscs);
  }

  get behaviour(): TcBehaviour {
    return tcBehaviour(this.host.env.profile);
  }

  qdisc(dev: string): Qdisc | undefined {
    return this.qdiscs.get(dev);
  }

  /** Whether tc runs on a device's hook (a qdisc with filters in chain 0). */
  hasHook(dev: Device | string, hook: Hook): boolean {
    const d = typeof dev === 'string' ? this.host.devices.get(dev) : dev;
    return d !== undefined && this.classifier.hasHook(d, hook);
  }

  /**
   * Classifies a packet on a device's hook and returns the TC_ACT_* verdict; `result` then
   * holds the details. `startChain` starts elsewhere than chain 0 (hardware restoring a chain);
   * otherwise an ingress packet's skb extension chain is used and consumed. A device given by
   * name that does not exist has no hook (UNSPEC).
   */
  classify(pkt: Packet, dev: Device | string, hook: Hook, where: Where, startChain = -1, resume: Filter | null = null, resumeAction = 0): number {
    const d = typeof dev === 'string' ? this.host.devices.get(dev) : dev;
    if (!d) return this.classifier.noHook();
    return this.classifier.classify(pkt, d, hook, where, startChain, resume, resumeAction);
  }

  /** Details of the last `classify` (one object, overwritten by the next call). */
  get result(): Readonly<ClassifyResult> {
    return this.classifier.result;
  }

  /**
   * The device is being unregistered: its qdisc goes with its filters (drivers drop their copies
   * too), and mirred actions that target it lose their device (mirred_device_event).
   */
  removeDevice(name: string): void {
    const q = this.qdiscs.get(name);
    if (q) this.destroyQdisc(q);
    for (const a of this.actions.all()) if (a instanceof MirredAction) a.deviceRemoved(name);
  }

  exec(cmd: TcCommand): TcExecResult {
    switch (cmd.kind) {
      case 'tc.qdisc':
        return this.qdiscCmd(cmd);
      case 'tc.filter.add':
        return this.filters.add(cmd);
      case 'tc.filter.del':
        return this.filters.del(cmd);
      case 'tc.filter.show':
        return this.filterShow(cmd);
      case 'tc.chain':
        return this.chainCmd(cmd);
      case 'tc.actions.add':
        return this.actionsAdd(cmd);
      case 'tc.actions.del':
        return this.actionsDel(cmd);
      case 'tc.actions.flush':
        return this.actionsFlush(cmd);
      case 'tc.actions.ls':
        if (!isActionKind(cmd.action)) return { error: { span: cmd.span, message: `bad action ${cmd.action}` } };
        if (cmd.json) return { output: renderActionListJson(this.actions.list(cmd.action), cmd.stats, this.host.env.now(), this.behaviour, cmd.json === 'pretty') };
        return { output: renderActionList(this.actions.list(cmd.action), cmd.stats, this.host.env.now(), this.behaviour) };
    }
  }

  /** sch_api.c tc_modify_qdisc / tc_get_qdisc for ingress and clsact (both live at ffff:). */
  private qdiscCmd(cmd: Extract<TcCommand, { kind: 'tc.qdisc' }>): TcExecResult {
    const dev = cmd.dev.value;
    if (!this.host.devices.has(dev)) return { error: { span: cmd.dev.span, message: noDevice(dev) } };
    const q = this.qdiscs.get(dev);
    const fail = (extack: string): TcExecResult => ({ error: { span: cmd.span, message: kernelError({ extack }) } });
    switch (cmd.op) {
      case 'add':
        if (q) return fail('Exclusivity flag on, cannot modify');
        this.createQdisc(dev, cmd.qdisc);
        return {};
      case 'replace':
        if (q && q.kind !== cmd.qdisc) return fail('Invalid qdisc name');
        if (!q) this.createQdisc(dev, cmd.qdisc);
        return {};
      case 'del':
        if (!q) return { error: { span: cmd.dev.span, message: kernelError({ extack: 'Cannot find specified qdisc on specified device' }) } };
        if (q.kind !== cmd.qdisc) return fail('Invalid qdisc name');
        this.destroyQdisc(q);
        return {};
    }
  }

  /** On an existing device (qdiscCmd checked). */
  private createQdisc(dev: string, kind: QdiscKind): void {
    const q = new Qdisc(dev, this.host.devices.get(dev)!.ifindex, kind);
    this.qdiscs.set(dev, q);
    this.qdiscByIfindex[q.ifindex] = q;
  }

  /** qdisc_destroy → tcf_block_put: every chain is flushed. */
  private destroyQdisc(q: Qdisc): void {
    for (const block of q.blocks) for (const c of [...block.chains]) this.filters.flushChain(c);
    this.qdiscs.delete(q.dev);
    this.qdiscByIfindex[q.ifindex] = undefined;
  }

  private filterShow(cmd: Extract<TcCommand, { kind: 'tc.filter.show' }>): TcExecResult {
    const dev = cmd.dev.value;
    if (!this.host.devices.has(dev)) return { error: { span: cmd.dev.span, message: noDevice(dev) } };
    const q = this.qdiscs.get(dev);
    const opts = { hook: cmd.hook, stats: cmd.stats, chain: cmd.chain, protocol: cmd.protocol, prio: cmd.prio, now: this.host.env.now(), behaviour: this.behaviour };
    if (cmd.json) return { output: renderFiltersJson(q ? q.blockFor(cmd.hook) : null, opts, cmd.json === 'pretty') };
    if (!q) return { output: '' };
    return { output: renderFilters(q.blockFor(cmd.hook), opts) };
  }

  /** tc_ctl_chain: `tc chain add` holds a chain even without filters; `del` flushes and lets go of it. */
  private chainCmd(cmd: Extract<TcCommand, { kind: 'tc.chain' }>): TcExecResult {
    const missing = missingDevice(this.host, cmd.dev, []);
    if (missing) return { error: missing };
    const block = findBlock(this.qdiscs, cmd.dev, cmd.hook);
    if ('message' in block) return { error: block };
    if (cmd.chain > TC_ACT_EXT_VAL_MASK) return { error: talkError(cmd.span, { extack: 'Specified chain index exceeds upper limit' }) };
    const existing: Chain | undefined = block.chain(cmd.chain);
    if (cmd.op === 'add') {
      if (existing && !existing.heldByActionsOnly) return { error: talkError(cmd.span, { extack: 'Filter chain already exists' }) };
      block.getOrCreate(cmd.chain).explicitlyCreated = true;
      return {};
    }
    if (!existing || existing.heldByActionsOnly) return { error: talkError(cmd.span, { extack: 'Cannot find specified filter chain' }) };
    this.filters.flushChain(existing);
    existing.explicitlyCreated = false;
    block.release(existing);
    return {};
  }

  /** `tc actions add|replace`: all of the request's actions, or none. */
  private actionsAdd(cmd: Extract<TcCommand, { kind: 'tc.actions.add' }>): TcExecResult {
    const missing = missingDevice(this.host, null, cmd.actions);
    if (missing) return { error: missing };
    const acquired: Acquired[] = [];
    for (const spec of cmd.actions) {
      const a = this.actions.acquire(spec, null, false, cmd.op === 'replace');
      if ('span' in a) {
        this.actions.settle(acquired, false, false);
        return { error: a };
      }
      acquired.push(a);
    }
    this.actions.settle(acquired, true, false);
    return {};
  }

  /** tca_action_gd → tcf_del_notify: a bound action cannot go. */
  private actionsDel(cmd: Extract<TcCommand, { kind: 'tc.actions.del' }>): TcExecResult {
    if (!isActionKind(cmd.action)) return { error: { span: cmd.span, message: `Error: non existent action: ${cmd.action}` } };
    const a = this.actions.get(cmd.action, cmd.index);
    if (!a) return { error: talkError(cmd.span, { extack: 'TC action with specified index not found' }) };
    if (this.actions.delete(a) === 'bound') return { error: talkError(cmd.span, { extack: 'Failed to delete TC action' }) };
    return {};
  }

  /**
   * tcf_del_walker: deletes in index order and stops at the first bound action; having deleted
   * some, the request succeeds with a warning, having deleted none it fails.
   */
  private actionsFlush(cmd: Extract<TcCommand, { kind: 'tc.actions.flush' }>): TcExecResult {
    if (!isActionKind(cmd.action)) return { error: { span: cmd.span, message: `bad action ${cmd.action}` } };
    let deleted = 0;
    for (const a of this.actions.list(cmd.action)) {
      if (this.actions.delete(a) === 'bound') {
        if (deleted === 0) return { error: { span: cmd.span, message: `${kernelError({ errno: 'EPERM' })}\n${FLUSH_ERROR}` } };
        return { output: 'Warning: Unable to flush all TC actions.\n' };
      }
      deleted++;
    }
    return {};
  }
}
