import { describe, expect, it } from 'vitest';
import type { SeriesView, ThroughputView } from '../../worker/protocol';
import { chartWidth, mix, occupancy, ppsText, rates, sliceAt, throughputBars } from './chartData';

const series: SeriesView = {
  t: [0, 500_000, 1_000_000, 1_500_000],
  paths: [
    [3, 1, 0],
    [0, 2, 10],
    [1, 0, 0],
    [0, 0, 1],
  ],
  conntrack: [1, 1, 2],
  flows: [0, 1, 1],
  hwCt: [0, 1, 1],
  hwCapacity: 100,
  offloadQueue: [0, 1, 0],
};

describe('chart data from aggregates', () => {
  it('rates per slice: packets / slice width in seconds', () => {
    const r = rates(series);
    expect(r).toHaveLength(3);
    expect(r[0]).toEqual({ t0: 0, t1: 0.5, software: 6, hardware: 0, miss: 2, dropped: 0 });
    expect(r[2]).toMatchObject({ hardware: 20, dropped: 2 });
  });

  it('the path mix over the run', () => {
    expect(mix(series)).toEqual([
      { name: 'software', packets: 4, share: 4 / 18 },
      { name: 'hardware', packets: 12, share: 12 / 18 },
      { name: 'miss', packets: 1, share: 1 / 18 },
      { name: 'dropped', packets: 1, share: 1 / 18 },
    ]);
  });

  it('occupancy at each slice end, and the slice under a time', () => {
    expect(occupancy(series)[1]).toEqual({ t: 1, conntrack: 1, flows: 1, hwCt: 1, queue: 1 });
    const r = rates(series);
    expect(sliceAt(r, 0.7)).toBe(1);
    expect(sliceAt(r, 9)).toBe(2);
    expect(sliceAt([], 1)).toBe(-1);
  });

  it('§8 bars from the throughput model', () => {
    const f: ThroughputView = {
      connections: 1,
      hwPackets: 9,
      swPackets: 1,
      lineRatePps: 23.32e6,
      swCapacityPps: 1e6,
      allSoftwarePps: 1e6,
      allHardwarePps: 23.32e6,
      mixPps: 10e6,
      swShare: 0.1,
      cpuLoad: 1,
      settings: { portGbps: 25, frameBytes: 114, swCostNs: 1000, cores: 1 },
    };
    expect(throughputBars(f).map((b) => [b.label, ppsText(b.pps)])).toEqual([
      ['all software', '1.00 Mpps'],
      ['this traffic', '10.00 Mpps'],
      ['all hardware', '23.32 Mpps'],
    ]);
    expect(ppsText(950)).toBe('950 pps');
    expect(ppsText(12_500)).toBe('12.5 kpps');
    expect(ppsText(100_000)).toBe('100 kpps');
    expect(ppsText(999_700)).toBe('1.00 Mpps');
  });

  it('draws each chart at its grid column width: one column below two minimum columns, clamped to 200–440 px', () => {
    expect(chartWidth(150)).toBe(200);
    expect(chartWidth(300)).toBe(300);
    expect(chartWidth(520)).toBe(440);
    // Two columns of 260 fit from 533 px on: each gets half of what the gap leaves.
    expect(chartWidth(600)).toBe(294);
  });
});
