// @vitest-environment happy-dom
/**
 * The charts ask the worker for nothing while their panel is collapsed (its body has no width),
 * and for the state at the cursor as soon as it is opened.
 */
import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Request } from '../../worker/protocol';
import { ControllerContext } from '../session/context';
import { LabController } from '../session/controller';
import { fakeWorker } from '../session/fakeWorker';
import { ChartsView } from './ChartsView';

const TEXT = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower action ct commit
send dev uplink udp 192.0.2.1:2000 > 10.0.0.2:53
send dev uplink udp 192.0.2.1:2001 > 10.0.0.2:53`;

const settle = () => act(() => new Promise((r) => setTimeout(r, 20)));

/** ResizeObservers that report only when told to. */
const observers: (() => void)[] = [];
class ManualResizeObserver {
  constructor(private readonly cb: () => void) {}
  observe() {
    observers.push(() => this.cb());
  }
  disconnect() {}
  unobserve() {}
}

afterEach(() => {
  vi.unstubAllGlobals();
  observers.length = 0;
});

describe('ChartsView', () => {
  it('asks nothing while it has no width, and the series at the cursor once it has', async () => {
    vi.stubGlobal('ResizeObserver', ManualResizeObserver);
    const sent: Request[] = [];
    const c = new LabController({ spawn: () => fakeWorker(sent) });
    await c.load(TEXT, 1);
    const { container } = render(
      <ControllerContext.Provider value={c}>
        <ChartsView />
      </ControllerContext.Provider>,
    );
    const charts = () => sent.filter((r) => r.type === 'query' && (r.query.kind === 'series' || r.query.kind === 'throughput')).length;
    await settle();
    for (let i = 0; i < 3; i++) await act(() => c.step('line', 1));
    await settle();
    expect(charts()).toBe(0);
    expect(container.querySelector('figure')).toBeNull();

    // The panel opens: its body gets a width. One packet was sent by the three lines (a hardware miss).
    const el = container.querySelector('.charts') as HTMLElement;
    Object.defineProperty(el, 'clientWidth', { value: 600, configurable: true });
    act(() => observers.forEach((o) => o()));
    await settle();
    expect(charts()).toBe(2);
    expect(container.querySelector('figure[aria-label="Packet rate by path"]')).not.toBeNull();
    expect(container.querySelector('svg[aria-label^="software"]')?.getAttribute('aria-label')).toBe('software 0, hardware 0, miss 1, dropped 0');
    c.dispose();
  });
});
