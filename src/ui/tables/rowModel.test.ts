import { describe, expect, it } from 'vitest';
import type { ConntrackRow } from '../../worker/protocol';
import { countdownText, flagsText, natDiff, resetTimers, rowCells, rowTimers } from './rowModel';

const base: ConntrackRow = {
  id: 7,
  zone: 1,
  proto: 'tcp',
  state: 'ESTABLISHED',
  orig: { proto: 'tcp', src: '192.0.2.10', dst: '10.0.0.1', sport: 40000, dport: 80 },
  reply: { proto: 'tcp', src: '10.0.0.1', dst: '192.0.2.10', sport: 80, dport: 40000 },
  flags: ['ASSURED'],
  mark: 0,
  label: '',
  packets: null,
  bytes: null,
  expiresAt: 432_000_000_000,
  flow: null,
  hwLastUsed: null,
  hwAgingUs: 30_000_000,
  text: '',
};

describe('row view-model', () => {
  it('flags as conntrack -L writes them', () => {
    expect(flagsText(['ASSURED', 'OFFLOAD', 'HW_OFFLOAD'])).toBe('[ASSURED] [OFFLOAD] [HW_OFFLOAD]');
    expect(rowCells({ ...base, flags: ['UNREPLIED'] }, 0).flags).toBe('[UNREPLIED]');
  });

  it('NAT: no difference for a plain connection; SNAT marks the reply destination and port', () => {
    expect(natDiff(base.orig, base.reply)).toEqual({ src: false, dst: false, sport: false, dport: false });
    const snat = { ...base.reply, src: '192.0.2.10', dst: '198.51.100.1', sport: 80, dport: 2001 };
    const orig = { ...base.orig, src: '10.0.0.2', dst: '192.0.2.10', sport: 2000, dport: 80 };
    expect(natDiff(orig, snat)).toEqual({ src: false, dst: true, sport: false, dport: true });
    const dnat = { ...base.reply, src: '10.0.0.9' };
    expect(natDiff(base.orig, dnat)).toEqual({ src: true, dst: false, sport: false, dport: false });
  });

  it('countdowns from absolute virtual times: conntrack timeout, flowtable timeout, hardware aging', () => {
    const offloaded: ConntrackRow = { ...base, expiresAt: null, flow: { zone: 1, timeoutAt: 31_000_000, hw: 'hw' }, hwLastUsed: 1_500_000 };
    const t = rowTimers(offloaded, 2_000_000);
    expect(t.ct).toBeNull();
    expect(t.ft).toEqual({ at: 31_000_000, leftUs: 29_000_000 });
    expect(t.hw).toEqual({ at: 31_500_000, leftUs: 29_500_000 });
    expect(t.hwIdleUs).toBe(500_000);
    expect(countdownText(t.ft)).toBe('29 s');
    // Time passing decreases them, never below zero.
    expect(rowTimers(offloaded, 12_000_000).ft!.leftUs).toBe(19_000_000);
    expect(rowTimers(offloaded, 40_000_000).hw!.leftUs).toBe(0);
    expect(countdownText(rowTimers(base, 431_000_000_000).ct)).toBe('1000 s');
  });

  it('a timer that moved later is a reset; time passing is not', () => {
    const a: ConntrackRow = { ...base, expiresAt: 120_000_000, flow: { zone: 1, timeoutAt: 30_000_000, hw: 'hw' }, hwLastUsed: 1_000_000 };
    expect(resetTimers(a, a)).toEqual([]);
    expect(resetTimers(a, { ...a, expiresAt: 150_000_000 })).toEqual(['ct']);
    expect(resetTimers(a, { ...a, flow: { zone: 1, timeoutAt: 33_000_000, hw: 'hw' }, hwLastUsed: 3_000_000 })).toEqual(['ft', 'hw']);
    expect(resetTimers(a, { ...a, expiresAt: 100_000_000 })).toEqual([]);
    expect(resetTimers(undefined, a)).toEqual([]);
    expect(resetTimers({ ...a, id: 8 }, { ...a, expiresAt: 150_000_000 })).toEqual([]);
  });

  it('an entry about to expire fades; an offloaded one does not', () => {
    const dying = { ...base, expiresAt: 10_000_000 };
    expect(rowCells(dying, 0).opacity).toBe(1);
    expect(rowCells(dying, 7_500_000).opacity).toBeCloseTo(0.625);
    expect(rowCells(dying, 10_000_000).opacity).toBe(0.25);
    expect(rowCells({ ...dying, expiresAt: null }, 10_000_000).opacity).toBe(1);
  });

  it('counters only with accounting, mark in hex', () => {
    expect(rowCells(base, 0).packets).toBe('');
    expect(rowCells({ ...base, packets: [5, 4], bytes: [500, 4000], mark: 255 }, 0)).toMatchObject({ packets: '5 / 4', bytes: '500 / 4000', mark: '0xff' });
  });
});
