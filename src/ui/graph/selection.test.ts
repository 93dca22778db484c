import { describe, expect, it } from 'vitest';
import talk from '../../scenarios/talk-web-server.sim?raw';
import type { SimEvent } from '../../engine/events';
import { Simulator } from '../../engine/simulator';
import { pipelineView } from '../../worker/pipeline';
import { byPacket, journeyCt } from '../../worker/packetlog';
import { ConntrackView } from '../../worker/queries';
import type { ConntrackRow } from '../../worker/protocol';
import { flightsOf, Geometry } from '../motion/flights';
import { layoutPipeline } from './layout';
import { selectionMarks } from './selection';

/** Runs the talk's scenario up to (not including) the first line matching `stop`. */
function talkUpTo(stop: RegExp) {
  const lines = talk.split('\n').filter((l) => !l.startsWith('> ') && !l.startsWith('#!'));
  const end = lines.findIndex((l) => stop.test(l));
  const sim = new Simulator({ seed: 1 });
  const events: SimEvent[] = [];
  sim.subscribe((e) => events.push(e));
  sim.run(lines.slice(0, end < 0 ? lines.length : end).join('\n'));
  const rows = new ConntrackView().window(sim, 0, 0, 10).rows;
  const web = rows.find((r) => r.orig.dport === 80)!;
  return { sim, events, rows, web };
}

describe('the selected connection on the graph', () => {
  it('after the handshake: conntrack and the zone-1 flowtable hold it, hardware not yet', () => {
    const { web } = talkUpTo(/^sleep 1/);
    expect(selectionMarks(web)).toEqual({
      conntrack: `selected: entry ${web.id} ESTABLISHED`,
      'ft:1': 'selected: flow, pending',
    });
  });

  it('once the driver wrote it: the hardware CT table holds it too, and every node marked is drawn', () => {
    const { sim, web } = talkUpTo(/^tc -s filter/);
    const marks = selectionMarks(web);
    expect(marks).toEqual({
      conntrack: `selected: entry ${web.id} ESTABLISHED`,
      'ft:1': 'selected: flow, in hardware',
      hwct: 'selected: entry in the CT table',
    });
    const ids = new Set(layoutPipeline(pipelineView(sim)).nodes.map((n) => n.id));
    expect(Object.keys(marks).every((id) => ids.has(id))).toBe(true);
  });

  it('an entry never offloaded is marked in conntrack only; no selection marks nothing', () => {
    const row: ConntrackRow = { ...talkUpTo(/^sleep 1/).web, id: 9, state: 'SYN_SENT', flow: null, hwLastUsed: null };
    expect(selectionMarks(row)).toEqual({ conntrack: 'selected: entry 9 SYN_SENT' });
    expect(selectionMarks(undefined)).toEqual({});
  });

  it("its packets' dots carry its entry: tracked by conntrack, by a flowtable hit, or by the NIC's CT table", () => {
    const { sim, events, web } = talkUpTo(/^tc -s filter/);
    const journeys = byPacket(events);
    expect(journeyCt(journeys.get(1)!)).toBe(web.id);
    // Packet 12: a request handled wholly in hardware (its entry from the CT table's hit).
    expect(journeys.get(12)!.some((e) => e.kind === 'ct.lookup')).toBe(false);
    expect(journeyCt(journeys.get(12)!)).toBe(web.id);
    // The VM's own SYN (+trk+new, dropped) is a different entry.
    const vmSyn = [...journeys.values()].find((j) => j.some((e) => e.kind === 'packet.inject' && e.summary.includes('.5555 >')))!;
    expect(journeyCt(vmSyn)).not.toBe(web.id);
    const geo = new Geometry(layoutPipeline(pipelineView(sim)));
    const flights = flightsOf(events, geo, 0, 1000, 100);
    // The handshake and the three requests with their answers (1–9: conntrack, then the flowtable's
    // fast path), and the ten packets in hardware (12–21); not the VM's SYN (10) nor the stray SYN/ACK (11).
    expect(flights.filter((f) => f.ct === web.id).map((f) => f.pkt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });
});
