/**
 * The per-kind action tables (struct tcf_idrinfo) and the reference rules of act_api.c: an
 * action created by a filter is bound to it (ref 1, bind 1); a filter naming an existing index
 * binds to that action as it is — its own parameters are ignored — (ref +1, bind +1); a
 * standalone action starts with ref 1, bind 0 and cannot be deleted while bound.
 */
import type { ActionSpec } from '../../script/ast';
import { talkError, type TcError } from '../errors';
import type { TcHost } from '../host';
import type { Block } from '../objects';
import { gotoTarget, isGotoChain, TC_ACT_EXT_VAL_MASK } from '../verdict';
import { TcAction, type ActionKind } from './action';
import { buildAction } from './build';

/** One action of a request, until the request succeeds or fails. */
export interface Acquired {
  /** The action the request created or bound (already in its table), or the one it replaces. */
  action: TcAction;
  /** For `replace` of an existing index: the new parameters, adopted on success. */
  replacement: TcAction | null;
  /** A cookie the request gives an action that already existed, set on success. */
  cookie?: string;
}

export class ActionTables {
  private readonly tables = new Map<ActionKind, Map<number, TcAction>>();

  constructor(private readonly host: TcHost) {}

  private table(kind: ActionKind): Map<number, TcAction> {
    let t = this.tables.get(kind);
    if (!t) {
      t = new Map();
      this.tables.set(kind, t);
    }
    return t;
  }

  get(kind: ActionKind, index: number): TcAction | undefined {
    return this.tables.get(kind)?.get(index);
  }

  /** An action kind's entries by ascending index (the idr walk order). */
  list(kind: ActionKind): TcAction[] {
    return [...this.table(kind).values()].sort((a, b) => a.index - b.index);
  }

  /** Every action of every kind. */
  *all(): IterableIterator<TcAction> {
    for (const t of this.tables.values()) yield* t.values();
  }

  /** tcf_idr_check_alloc with no index: the lowest free one from 1. */
  private freeIndex(kind: ActionKind): number {
    const t = this.table(kind);
    let i = 1;
    while (t.has(i)) i++;
    return i;
  }

  /**
   * tcf_action_init_1 for one action of a request. `block` is the filter's block (null for
   * `tc actions`, which may not goto a chain); `bind` for filter actions; `replace` lets a
   * standalone request overwrite an existing index. Nothing is final until `settle`.
   */
  acquire(spec: ActionSpec, block: Block | null, bind: boolean, replace: boolean): Acquired | TcError {
    const kind = spec.body.kind;
    const existing = spec.index !== undefined ? this.get(kind, spec.index) : undefined;
    // tcf_action_init_1 sets a given cookie on the action whether it was created or bound.
    if (existing && bind) {
      existing.refcnt++;
      existing.bindcnt++;
      return { action: existing, replacement: null, cookie: spec.cookie };
    }
    if (existing && !replace) return talkError(spec.span, { errno: 'EEXIST' });
    const fresh = buildAction(spec, existing ? existing.index : (spec.index ?? this.freeIndex(kind)), bind ? 1 : 0, this.host);
    if (!(fresh instanceof TcAction)) return fresh;
    fresh.cookie = spec.cookie ?? null;
    fresh.noPercpu = spec.noPercpu === true;
    const err = this.checkControl(fresh, spec, block);
    if (err) {
      this.destroy(fresh);
      return err;
    }
    if (existing) return { action: existing, replacement: fresh, cookie: spec.cookie };
    this.table(kind).set(fresh.index, fresh);
    return { action: fresh, replacement: null };
  }

  /**
   * Ends a request: on success replaced actions take their new parameters; on failure every
   * reference the request took is dropped and what it created is destroyed, so the tables are
   * as before.
   */
  settle(acquired: readonly Acquired[], ok: boolean, bind: boolean): void {
    for (const a of acquired) {
      if (ok && a.cookie !== undefined) a.action.cookie = a.cookie;
      if (a.replacement) {
        if (ok) a.action.adopt(a.replacement, this.host);
        else this.destroy(a.replacement);
      } else if (!ok) {
        this.put(a.action, bind);
      }
    }
  }

  /** tcf_action_check_ctrlact: a goto takes a reference on its chain, creating it if need be. */
  private checkControl(a: TcAction, spec: ActionSpec, block: Block | null): TcError | null {
    if (!isGotoChain(a.control)) return null;
    const chain = gotoTarget(a.control);
    if (chain > TC_ACT_EXT_VAL_MASK) return talkError(spec.span, { extack: 'invalid control action' });
    if (!block) return talkError(spec.span, { extack: "can't goto NULL proto/chain" });
    const c = block.getOrCreate(chain);
    c.actionRefs++;
    a.gotoChain = c;
    return null;
  }

  /**
   * Drops one reference (and a bind, for filter actions): __tcf_action_put. The last reference
   * destroys the action, its parameters and its hold on a goto chain.
   */
  put(a: TcAction, bind: boolean): void {
    a.refcnt--;
    if (bind) a.bindcnt--;
    if (a.refcnt > 0) return;
    this.table(a.kind).delete(a.index);
    this.destroy(a);
  }

  /** tcf_action_cleanup: the parameters go, and the hold on a goto chain. */
  private destroy(a: TcAction): void {
    a.release(this.host);
    const c = a.gotoChain;
    if (c) {
      c.actionRefs--;
      c.block.release(c);
    }
  }

  /** tcf_idr_delete_index for `tc actions del`: bound actions stay. */
  delete(a: TcAction): 'deleted' | 'bound' {
    if (a.bindcnt > 0) return 'bound';
    this.put(a, false);
    return 'deleted';
  }
}
