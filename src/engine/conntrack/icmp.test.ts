import { describe, expect, it } from 'vitest';
import { US_PER_SEC } from '../clock';
import { CtInfo, ICMP_DEST_UNREACH, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED } from '../model/packet';
import { echoRequest, eventsOf, harness, icmpPacket, track, udpPacket } from './test-helpers';

describe('ICMP echo', () => {
  it('tracks echo request/reply by id with a 30 s timeout', () => {
    const h = harness();
    const req = track(h.ct, echoRequest('10.0.0.1', '10.0.0.2', 7));
    expect(req.ctinfo).toBe(CtInfo.NEW);
    expect(h.ct.tuple(req.slot, 1)).toEqual({ family: 4, proto: 1, src: 0x0a000002, dst: 0x0a000001, sport: 7, dport: 0 });
    const rep = track(h.ct, icmpPacket('10.0.0.2', '10.0.0.1', ICMP_ECHOREPLY, 7));
    expect(rep.slot).toBe(req.slot);
    expect(rep.ctinfo).toBe(CtInfo.ESTABLISHED_REPLY);
    expect(h.ct.timeoutAt(req.slot)).toBe(30 * US_PER_SEC);
    expect(track(h.ct, echoRequest('10.0.0.1', '10.0.0.2', 8)).slot).not.toBe(req.slot);
  });

  it('does not create a connection from an echo reply or a type without a reply', () => {
    const h = harness();
    const lone = icmpPacket('10.0.0.2', '10.0.0.1', ICMP_ECHOREPLY, 7);
    h.ct.in(lone, 0);
    expect(lone.meta.ct).toBe(-1);
    const advert = icmpPacket('10.0.0.2', '10.0.0.1', 9, 0);
    h.ct.in(advert, 0);
    expect(advert.meta.ct).toBe(-1);
    expect(h.ct.store.used).toBe(0);
    expect(eventsOf(h.events, 'ct.lookup').map((e) => e.reason)).toEqual(["icmp: can't create new conn with type 0", "can't invert tuple"]);
  });
});

describe('ICMP errors', () => {
  it('makes an error about a known connection RELATED, in the direction it travels', () => {
    const h = harness();
    const flow = udpPacket('10.0.0.1', '10.0.0.2', 5000, 53);
    const { slot } = track(h.ct, flow);
    // The server (or a router) answers the client's packet with an error: reply direction.
    const unreach = icmpPacket('10.0.0.2', '10.0.0.1', ICMP_DEST_UNREACH, 0, 3, udpPacket('10.0.0.1', '10.0.0.2', 5000, 53));
    h.ct.in(unreach, 0);
    expect([unreach.meta.ct, unreach.meta.ctinfo]).toEqual([slot, CtInfo.RELATED_REPLY]);
    // An error sent by the client about a server packet travels in the original direction.
    const exceeded = icmpPacket('10.0.0.1', '10.0.0.2', ICMP_TIME_EXCEEDED, 0, 0, udpPacket('10.0.0.2', '10.0.0.1', 53, 5000));
    h.ct.in(exceeded, 0);
    expect([exceeded.meta.ct, exceeded.meta.ctinfo]).toEqual([slot, CtInfo.RELATED]);
    expect(eventsOf(h.events, 'ct.lookup').slice(-2).map((e) => [e.result, e.ctState])).toEqual([
      ['related', '+trk+rel+rpl'],
      ['related', '+trk+rel'],
    ]);
  });

  it('marks an error about an unknown connection, or sent to the wrong host, invalid', () => {
    const h = harness();
    track(h.ct, udpPacket('10.0.0.1', '10.0.0.2', 5000, 53));
    const unknown = icmpPacket('10.0.0.2', '10.0.0.1', ICMP_DEST_UNREACH, 0, 3, udpPacket('10.0.0.1', '10.0.0.2', 5001, 53));
    h.ct.in(unknown, 0);
    expect(unknown.meta.ct).toBe(-1);
    const misdirected = icmpPacket('10.0.0.2', '10.0.0.9', ICMP_DEST_UNREACH, 0, 3, udpPacket('10.0.0.1', '10.0.0.2', 5000, 53));
    h.ct.in(misdirected, 0);
    expect(misdirected.meta.ct).toBe(-1);
    expect(eventsOf(h.events, 'ct.lookup').slice(-2).map((e) => e.reason)).toEqual([
      'icmp error for no known connection',
      'outer daddr != inner saddr',
    ]);
  });
});
