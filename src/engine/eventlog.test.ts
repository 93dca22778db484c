import { describe, expect, it } from 'vitest';
import { EventLog } from './eventlog';
import type { SimEvent } from './events';
import { Simulator } from './simulator';

const timer = (t: number): SimEvent => ({ kind: 'timer', t, pkt: 0, name: `t${t}` });
const command = (line: number): SimEvent => ({ kind: 'command', t: 0, pkt: 0, line, text: 'echo' });

describe('EventLog', () => {
  it('keeps everything below its capacity, oldest first', () => {
    const log = new EventLog(3);
    log.push(timer(1));
    log.push(timer(2));
    expect(log.events()).toEqual([timer(1), timer(2)]);
    expect(log.size).toBe(2);
    expect(log.dropped).toBe(0);
    expect(log.droppedText()).toBe('');
  });

  it('drops the oldest events past its capacity and counts them per kind', () => {
    const log = new EventLog(2);
    [command(1), timer(1), command(2), timer(2), timer(3)].forEach((e) => log.push(e));
    expect(log.events()).toEqual([timer(2), timer(3)]);
    expect(log.dropped).toBe(3);
    expect(log.droppedSummary()).toEqual([
      ['command', 2],
      ['timer', 1],
    ]);
    expect(log.droppedText()).toBe('3 older events not kept (command 2, timer 1)');
  });

  it('starts over after clear', () => {
    const log = new EventLog(1);
    [timer(1), timer(2)].forEach((e) => log.push(e));
    log.clear();
    expect([log.size, log.dropped, log.events()]).toEqual([0, 0, []]);
    log.push(timer(3));
    expect(log.events()).toEqual([timer(3)]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventLog(0)).toThrow('event log capacity must be a positive integer, got 0');
  });

  it('stays at its capacity under a flood from the simulator', () => {
    const sim = new Simulator();
    const log = new EventLog(1000);
    sim.subscribe(log.listener);
    const r = sim.run('tc qdisc add dev uplink ingress\ntc filter add dev uplink ingress prio 1 proto ip flower action drop\nsend dev uplink udp 1.1.1.1:1 > 2.2.2.2:2 count 20000');
    expect(r.error).toBeUndefined();
    expect(log.size).toBe(1000);
    const all = log.dropped + log.size;
    expect(sim.env.events.count).toBe(all);
    // Every packet's inject event is either still in the log or counted among the dropped.
    const kept = log.events().filter((e) => e.kind === 'packet.inject').length;
    expect(log.droppedSummary().find(([k]) => k === 'packet.inject')?.[1]).toBe(20_000 - kept);
    expect(log.events().at(-1)).toMatchObject({ kind: 'packet.drop', pkt: 20000 });
  });
});
