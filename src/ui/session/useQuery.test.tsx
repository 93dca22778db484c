// @vitest-environment happy-dom
/**
 * A view's query: answered with every move, re-rendering the view only when the answer
 * changed, and asked directly when the state changed without a move (a load).
 */
import { act, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { Request } from '../../worker/protocol';
import { ControllerContext } from './context';
import { LabController } from './controller';
import { fakeWorker } from './fakeWorker';
import { useQuery, useQuerySelect } from './useQuery';

const TEXT = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower action ct commit
send dev uplink udp 192.0.2.1:2000 > 10.0.0.2:53
sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1
send dev uplink udp 192.0.2.1:2001 > 10.0.0.2:53`;

const mount = (c: LabController, view: ReactElement) => render(<ControllerContext.Provider value={c}>{view}</ControllerContext.Provider>);
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
    mount(c, <Total />);
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

  it('with a pick, renders only when the picked part of the answer changes', async () => {
    const c = new LabController({ spawn: () => fakeWorker([]) });
    await c.load(TEXT, 1);
    const seen: (boolean | undefined)[] = [];
    // The table's answer changes at the third line and the fifth (a second entry); "any entry" only at the third.
    function AnyEntry() {
      const a = useQuerySelect({ kind: 'conntrack', offset: 0, limit: 10 }, (t) => t.total > 0);
      seen.push(a?.value);
      return null;
    }
    mount(c, <AnyEntry />);
    await settle();
    for (let i = 0; i < 5; i++) {
      await act(() => c.step('line', 1));
      await settle();
    }
    expect(seen).toEqual([undefined, false, true]);
    c.dispose();
  });
});
