/**
 * Forking: a deep copy of a running engine, for the UI's rewind (snapshots plus deterministic
 * replay). `fork(root, fresh)` turns `fresh`, a graph built by the same constructors with the
 * same arguments (e.g. `new Simulator({ seed })`), into an independent copy of `root`'s
 * current state.
 *
 * Why a fresh graph and not a plain deep copy: constructors wire objects together with
 * closures (`conntrack.onDestroy = (ct) => …`, the clock heap's comparator, the tc host's
 * callbacks), and a closure's captured `this` cannot be changed. So the copy is a transplant:
 *   1. Pairing: `root` and `fresh` are walked in parallel along the same fields; class
 *      instances of the same prototype met at the same place are paired (root's state will be
 *      written into fresh's object, so fresh's closures that captured it stay valid), and so are
 *      functions (fresh's is used; both must have the same source, or the field was reassigned
 *      at run time and the copy would run other code: an error).
 *   2. Copying: every object reachable from `root` gets its copy, through an identity map so
 *      shared references stay shared and cycles work: a paired object is refilled in place;
 *      typed arrays are copied (views of one buffer stay views of one copied buffer); arrays,
 *      Maps, Sets and plain objects are rebuilt; other class instances are created with their
 *      class's initial shape and filled. Frozen objects (module constants such as the kernel
 *      profiles, compared by identity) and objects `root` and `fresh` both hold (built outside
 *      either) are shared, not copied.
 * What cannot be copied faithfully throws with the field's path: a function that was not
 * paired (a closure made at run time: the engine keeps none, see Clock's TimerOwner), accessors,
 * weak collections, promises, shared memory.
 *
 * Not detectable, so kept out of the engine by convention (CONTEXT.md): a constructor closure
 * that captures a local object other than through `this` (the copy would fill a different
 * object than the one the closure uses), and an unfrozen class-instance module constant held
 * where the fresh graph holds another one of its class (it would be paired and overwritten).
 *
 * A class can name fields the copy keeps from the fresh object (`static [FORK_KEEPS]`): the
 * event bus keeps its (empty) listener list, so a fork reports to nobody until subscribed to.
 */
import type { Simulator } from './simulator';

/** A class's static list of instance fields a fork takes from the fresh object, not from the root. */
export const FORK_KEEPS: unique symbol = Symbol('fork keeps');

type Obj = Record<PropertyKey, unknown>;
type Ctor = (new (...args: never[]) => unknown) & { [FORK_KEEPS]?: readonly string[] };

/** A typed array or DataView constructor: (buffer, byteOffset, length). */
type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

class ForkError extends Error {
  constructor(path: string, what: string) {
    super(`fork: ${path}: ${what}`);
  }
}

const isObject = (v: unknown): v is object => (typeof v === 'object' && v !== null) || typeof v === 'function';

/** Built-ins whose state lives in internal slots a field-by-field copy cannot reach. */
const UNCOPYABLE: [new (...args: never[]) => object, string][] = [
  [WeakMap, 'a WeakMap'],
  [WeakSet, 'a WeakSet'],
  [WeakRef, 'a WeakRef'],
  [Promise, 'a Promise'],
  [RegExp, 'a RegExp'],
  [Date, 'a Date'],
];

/** A prototype whose instances are built by a class (whose initial shape a copy should reuse). */
function classOf(proto: object | null): Ctor | null {
  if (proto === null || proto === Object.prototype) return null;
  const c = (proto as { constructor?: unknown }).constructor;
  return typeof c === 'function' && (c as { prototype?: unknown }).prototype === proto ? (c as Ctor) : null;
}

/** Fields of `o`'s class (and its ancestors) that a fork keeps from the fresh object. */
function keptFields(o: object): readonly string[] {
  const c = classOf(Object.getPrototypeOf(o));
  return c?.[FORK_KEEPS] ?? [];
}

/** Whether `o` is a class instance (not a plain object, array or built-in collection): pairable. */
function isInstance(o: object): boolean {
  if (typeof o === 'function' || Array.isArray(o) || o instanceof Map || o instanceof Set || ArrayBuffer.isView(o) || o instanceof ArrayBuffer) return false;
  if (UNCOPYABLE.some(([type]) => o instanceof type)) return false;
  return classOf(Object.getPrototypeOf(o)) !== null;
}

class Forker {
  /** Root object → its copy (a paired fresh object, a new object, or itself when shared). */
  private readonly copies = new Map<object, object>();
  /** Fresh objects already paired (a fresh object is the copy of one root object at most). */
  private readonly taken = new Set<object>();
  /** Paired and new copies still to fill, with the path they were first reached by. */
  private readonly toFill: [src: object, dst: object, path: string][] = [];
  /** Paired fresh objects (refilled in place, keeping their kept fields). */
  private readonly paired = new Set<object>();

  run<T extends object>(root: T, fresh: T): T {
    if (root === fresh || Object.getPrototypeOf(root) !== Object.getPrototypeOf(fresh) || Object.isFrozen(fresh)) {
      throw new ForkError('(root)', 'the fresh object must be a distinct, unfrozen object of the same class');
    }
    this.pairGraphs(root, fresh);
    const copy = this.copyOf(root, '(root)') as T;
    for (let i = 0; i < this.toFill.length; i++) {
      const [src, dst, path] = this.toFill[i];
      this.fill(src, dst, path);
    }
    return copy;
  }

  /** Step 1: pairs the objects and functions the constructors made, walking both graphs in step. */
  private pairGraphs(root: object, fresh: object): void {
    const queue: [object, object, string][] = [];
    const visited = new Set<object>();
    const visit = (r: unknown, f: unknown, path: string, isRoot = false): void => {
      if (!isObject(r) || !isObject(f) || visited.has(r)) return;
      if (r === f) {
        // Held by both graphs: built outside them, shared by the copy too.
        this.copies.set(r, r);
        return;
      }
      if (typeof r === 'function' || typeof f === 'function') {
        if (typeof r !== 'function' || typeof f !== 'function' || this.copies.has(r) || this.taken.has(f)) return;
        if (Function.prototype.toString.call(r) !== Function.prototype.toString.call(f)) {
          throw new ForkError(path, 'holds a different function than a freshly built object does (a closure set at run time cannot be copied)');
        }
        this.copies.set(r, f);
        this.taken.add(f);
        return;
      }
      if (Object.isFrozen(r) || Object.getPrototypeOf(r) !== Object.getPrototypeOf(f)) return;
      visited.add(r);
      // The roots are paired whatever they are: `fresh` is what the caller gets back.
      if ((isRoot || isInstance(r)) && !this.copies.has(r) && !this.taken.has(f)) {
        this.copies.set(r, f);
        this.taken.add(f);
        this.paired.add(f);
        this.toFill.push([r, f, path]);
      }
      queue.push([r, f, path]);
    };
    visit(root, fresh, '(root)', true);
    for (let i = 0; i < queue.length; i++) {
      const [r, f, path] = queue[i];
      if (ArrayBuffer.isView(r)) continue;
      if (Array.isArray(r)) {
        const fa = f as unknown[];
        for (let j = 0; j < Math.min(r.length, fa.length); j++) visit(r[j], fa[j], `${path}[${j}]`);
      } else if (r instanceof Map) {
        const fm = f as Map<unknown, unknown>;
        for (const [k, v] of r) if (!isObject(k) && fm.has(k)) visit(v, fm.get(k), `${path}.get(${String(k)})`);
      } else if (!(r instanceof Set)) {
        const keep = keptFields(r);
        for (const key of Reflect.ownKeys(r)) {
          if (keep.includes(key as string)) continue;
          const d = Object.getOwnPropertyDescriptor(f, key);
          if (d && 'value' in d) visit((r as Obj)[key], d.value, `${path}.${String(key)}`);
        }
      }
    }
  }

  /** Step 2: the copy of one value (objects are created here and filled later, by `fill`). */
  private copyOf(v: unknown, path: string): unknown {
    if (!isObject(v)) return v;
    const known = this.copies.get(v);
    if (known) return known;
    if (typeof v === 'function') {
      throw new ForkError(path, 'holds a function no freshly built object holds (a closure made at run time cannot be re-bound to the copy)');
    }
    const copy = this.create(v, path);
    this.copies.set(v, copy);
    return copy;
  }

  private create(v: object, path: string): object {
    if (Object.isFrozen(v)) return v;
    if (v instanceof ArrayBuffer) return v.slice(0);
    if (ArrayBuffer.isView(v)) {
      if (typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer) throw new ForkError(path, 'is a view of shared memory');
      const buffer = this.copyOf(v.buffer, `${path}.buffer`) as ArrayBuffer;
      const length = v instanceof DataView ? v.byteLength : (v as unknown as { length: number }).length;
      return new (v.constructor as ViewCtor)(buffer, v.byteOffset, length);
    }
    for (const [type, what] of UNCOPYABLE) if (v instanceof type) throw new ForkError(path, `is ${what}, which cannot be copied`);
    const proto = Object.getPrototypeOf(v) as object | null;
    let copy: object;
    if (Array.isArray(v)) copy = [];
    else if (v instanceof Map) copy = new Map();
    else if (v instanceof Set) copy = new Set();
    else {
      const c = classOf(proto);
      // Created as if by the class's constructor, so the copy gets the same shape (hidden class)
      // as the instances the engine builds and its hot paths stay monomorphic.
      copy = c ? (Reflect.construct(Object, [], c) as object) : Object.create(proto) as object;
      if (keptFields(v).length > 0) throw new ForkError(path, 'keeps fields from a fresh object, but no fresh object was built at this place');
    }
    if (Object.getPrototypeOf(copy) !== proto) Object.setPrototypeOf(copy, proto);
    this.toFill.push([v, copy, path]);
    return copy;
  }

  private fill(src: object, dst: object, path: string): void {
    if (Array.isArray(src)) {
      const out = dst as unknown[];
      out.length = src.length;
      for (let i = 0; i < src.length; i++) {
        if (i in src) out[i] = this.copyOf(src[i], `${path}[${i}]`);
        else delete out[i];
      }
      return;
    }
    if (src instanceof Map) {
      const out = dst as Map<unknown, unknown>;
      out.clear();
      for (const [k, v] of src) out.set(this.copyOf(k, `${path} key`), this.copyOf(v, `${path}.get(${String(k)})`));
      return;
    }
    if (src instanceof Set) {
      const out = dst as Set<unknown>;
      out.clear();
      for (const v of src) out.add(this.copyOf(v, `${path} member`));
      return;
    }
    const keep = this.paired.has(dst) ? keptFields(src) : [];
    const out = dst as Obj;
    for (const key of Reflect.ownKeys(dst)) {
      if (!Object.prototype.hasOwnProperty.call(src, key) && !keep.includes(key as string)) delete out[key];
    }
    for (const key of Reflect.ownKeys(src)) {
      if (keep.includes(key as string)) continue;
      const d = Object.getOwnPropertyDescriptor(src, key)!;
      const at = `${path}.${String(key)}`;
      if (!('value' in d)) throw new ForkError(at, 'is an accessor property, which cannot be copied');
      const value = this.copyOf(d.value, at);
      if (d.writable && d.enumerable && d.configurable) out[key] = value;
      else Object.defineProperty(out, key, { ...d, value });
    }
  }
}

/**
 * Makes `fresh` (built by the same constructors, with the same arguments, as `root`) an
 * independent deep copy of `root`'s current state, and returns it. See the file comment.
 */
export function fork<T extends object>(root: T, fresh: T): T {
  return new Forker().run(root, fresh);
}

/** An independent copy of a simulator: the same state, no event listeners. */
export function forkSimulator<S extends Simulator>(sim: S): S {
  const Ctor = sim.constructor as new () => S;
  return fork(sim, new Ctor());
}
