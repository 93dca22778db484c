import { describe, expect, it } from 'vitest';
import { Clock, NO_TIMER, type TimerOwner } from './clock';

/** A timer owner that runs `fn` (tests only: the engine's owners are its own objects). */
const run = (fn: () => void): TimerOwner => ({ onTimer: fn });

describe('Clock', () => {
  it('fires timers in time order, then in the order they were armed, and traces each', () => {
    const c = new Clock();
    const fired: string[] = [];
    const arm = (at: number, name: string) => c.at(at, name, run(() => fired.push(`${name}@${c.now()}`)));
    arm(30, 'c');
    arm(10, 'a');
    arm(30, 'd');
    arm(20, 'b');
    const traced: string[] = [];
    c.advanceTo(25, (name, at) => traced.push(`${name}:${at}`));
    expect(fired).toEqual(['a@10', 'b@20']);
    expect(traced).toEqual(['a:10', 'b:20']);
    expect(c.now()).toBe(25);
    c.advanceTo(100);
    expect(fired).toEqual(['a@10', 'b@20', 'c@30', 'd@30']);
    expect(c.pendingCount()).toBe(0);
  });

  it('orders handle-less timers (schedule) with the others by time, then arming order', () => {
    const c = new Clock();
    const fired: string[] = [];
    c.at(20, 'a', run(() => fired.push('a')));
    c.schedule(10, 'b', run(() => fired.push('b')));
    c.schedule(20, 'c', run(() => fired.push('c')));
    c.at(10, 'd', run(() => fired.push('d')));
    expect(c.pendingCount()).toBe(4);
    c.advanceTo(20);
    expect(fired).toEqual(['b', 'd', 'a', 'c']);
    expect(c.pendingCount()).toBe(0);
  });

  it("gives each owner back the number its timer was armed with", () => {
    const c = new Clock();
    const got: number[] = [];
    const owner: TimerOwner = { onTimer: (arg) => got.push(arg) };
    c.after(2, 'two', owner, 2);
    c.schedule(1, 'one', owner, 1);
    c.at(3, 'default', owner);
    c.advanceTo(3);
    expect(got).toEqual([1, 2, 0]);
  });

  it('fires timers armed by a firing timer within the same advance', () => {
    const c = new Clock();
    const fired: number[] = [];
    c.at(5, 'first', run(() => c.after(5, 'second', run(() => fired.push(c.now())))));
    c.advanceTo(20);
    expect(fired).toEqual([10]);
  });

  it('cancels a pending timer; a stale handle of a reused slot cancels nothing', () => {
    const c = new Clock();
    const fired: string[] = [];
    const h = c.at(10, 'x', run(() => fired.push('x')));
    c.cancel(h);
    expect(c.pendingCount()).toBe(0);
    expect(c.nextAt()).toBe(Infinity);
    c.advanceTo(20);
    expect(fired).toEqual([]);
    // The slot is reused by the next timer; the old handle must not touch it.
    c.at(30, 'y', run(() => fired.push('y')));
    c.cancel(h);
    c.cancel(NO_TIMER);
    c.cancel(undefined);
    expect(c.pendingCount()).toBe(1);
    c.advanceTo(30);
    expect(fired).toEqual(['y']);
  });

  it('keeps order over many timers and slot reuse', () => {
    const c = new Clock();
    const fired: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 200; i > 0; i--) c.at(round * 1000 + ((i * 7919) % 500), 't', run(() => fired.push(c.now())));
      c.advanceTo(round * 1000 + 999);
    }
    expect(fired).toHaveLength(600);
    expect([...fired].sort((a, b) => a - b)).toEqual(fired);
  });
});
