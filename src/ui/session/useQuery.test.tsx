// @vitest-environment happy-dom
/**
 * A view's query: answered with every move, re-rendering the view only when the answer
 * changed, and asked directly when the state changed without a move (a load).
 */
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../worker/protocol';
import { ControllerContext } from './context';
import { LabController } from './controller';
import { fakeWorker } from './fakeWorker';
import { useQuery } from './useQuery';

const TEXT = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower action ct commit
send dev uplink udp 192.0.2.1:2000 > 10.0.0.2:53
sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1
send dev uplink udp 192.0.2.1:2001 > 10.0.0.2:53`;

const settle = () => act(() => new Promise((r) => setTimeout(r, 20)));

describe('useQuery', () => {
  it('renders once per change of its answer, and reads the state after each move', async () => {
    const sent: Request[] = [];
    const c = new LabController({ spawn: () => fakeWorker(sent) });
    await c.load(TEXT, 1);
    const seen: (number | undefined)[] = [];
    function Total() {
      const a = useQuery({ kind: 'conntrack', offset: 0, limit: 10 });
      seen.push(a?.total);
      return null;
    }
    render(
      <ControllerContext.Provider value={c}>
        <Total />
      </ControllerContext.Provider>,
    );
    await settle();
    expect(seen.at(-1)).toBe(0);
    const asked = () => sent.filter((r) => r.type === 'query').length;
    for (const expected of [0, 0, 1, 1, 2]) {
      const before = asked();
      await act(() => c.step('line', 1));
      await settle();
      // One query, sent behind the move: none asked after it.
      expect(asked() - before).toBe(1);
      expect(seen.at(-1)).toBe(expected);
    }
    // Renders: the first (no answer), the first answer, then only the two steps that changed it.
    expect(seen).toEqual([undefined, 0, 1, 2]);
    await act(() => c.load(TEXT, 1));
    await settle();
    expect(seen.at(-1)).toBe(0);
    c.dispose();
  });
});
