import { describe, expect, it } from 'vitest';
import type { DeviceFilters, FilterRowView } from '../../worker/protocol';
import { deleteLine, editLine, offloadRoundTrip, replaceWithSkip } from './filterLines';

const EST = 'tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0';

const filter = (chain: number, prio: number, handle: number, source: string | null): FilterRowView => ({
  chain,
  prio,
  handle,
  text: '',
  inHw: true,
  skipHw: false,
  skipSw: false,
  swPackets: 0,
  hwPackets: 0,
  source,
});

describe('control lines', () => {
  it('skip_hw as a filter replace naming the handle', () => {
    expect(replaceWithSkip(EST, 1, 'skip_hw')).toBe('tc filter replace dev uplink ingress prio 2 chain 2 handle 0x1 proto ip flower skip_hw ct_state +trk+est action mirred egress redirect dev rep0');
    const skipped = replaceWithSkip(EST, 1, 'skip_hw');
    expect(replaceWithSkip(skipped, 1, null)).toBe('tc filter replace dev uplink ingress prio 2 chain 2 handle 0x1 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0');
    expect(replaceWithSkip(skipped, 1, 'skip_sw')).toContain('flower skip_sw ct_state');
    expect(editLine(skipped, 1)).toBe(skipped);
  });

  it('deletes one filter by chain, prio and handle', () => {
    expect(deleteLine('uplink', 'ingress', { chain: 2, prio: 2, handle: 1 })).toBe('tc filter del dev uplink ingress chain 2 prio 2 handle 0x1 flower');
  });

  it("hw-tc-offload round trip: the device's filters out, the switch, the same lines back", () => {
    const dev: DeviceFilters = { dev: 'uplink', hook: 'ingress', chains: [0, 2], filters: [filter(2, 2, 1, EST), filter(0, 1, 1, 'A'), filter(2, 1, 1, 'B')] };
    expect(offloadRoundTrip(dev, false)).toEqual(['tc filter del dev uplink ingress chain 0', 'tc filter del dev uplink ingress chain 2', 'ethtool -K uplink hw-tc-offload off', 'A', 'B', EST]);
    expect(offloadRoundTrip(dev, true)).toEqual(['ethtool -K uplink hw-tc-offload on', 'tc filter del dev uplink ingress chain 0', 'tc filter del dev uplink ingress chain 2', 'A', 'B', EST]);
    expect(offloadRoundTrip({ ...dev, filters: [filter(0, 1, 1, null)] }, false)).toMatch(/not known/);
  });
});
