import { describe, expect, it } from 'vitest';
import { US_PER_SEC } from '../clock';
import { CtInfo } from '../model/packet';
import { IPS_ASSURED, IPS_SEEN_REPLY } from './conntrack';
import { eventsOf, harness, track, udpPacket } from './test-helpers';

const request = () => udpPacket('10.0.0.1', '10.0.0.2', 5000, 53);
const reply = () => udpPacket('10.0.0.2', '10.0.0.1', 53, 5000);

describe('UDP', () => {
  it('5.7: 30 s unreplied, SEEN_REPLY on the reply, ASSURED and 120 s on the next packet', () => {
    const h = harness({ profile: '5.7' });
    const first = track(h.ct, request());
    const slot = first.slot;
    expect(first.ctinfo).toBe(CtInfo.NEW);
    expect(h.ct.timeoutAt(slot)).toBe(30 * US_PER_SEC);
    h.sleep(1);
    expect(track(h.ct, reply()).ctinfo).toBe(CtInfo.ESTABLISHED_REPLY);
    expect(h.ct.status(slot) & (IPS_SEEN_REPLY | IPS_ASSURED)).toBe(IPS_SEEN_REPLY);
    expect(h.ct.timeoutAt(slot) - h.env.now()).toBe(30 * US_PER_SEC);
    h.sleep(0.5);
    expect(track(h.ct, request()).ctinfo).toBe(CtInfo.ESTABLISHED);
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(IPS_ASSURED);
    expect(h.ct.timeoutAt(slot) - h.env.now()).toBe(120 * US_PER_SEC);
    expect(eventsOf(h.events, 'ct.state').map((e) => `${e.from}>${e.to}`)).toEqual(['NONE>UNREPLIED', 'UNREPLIED>REPLIED', 'REPLIED>ASSURED']);
  });

  it('6.12: the stream timeout and ASSURED only once 2 s have passed since creation', () => {
    const h = harness({ profile: '6.12' });
    const { slot } = track(h.ct, request());
    h.sleep(0.5);
    track(h.ct, reply());
    h.sleep(1);
    track(h.ct, request());
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(0);
    expect(h.ct.timeoutAt(slot) - h.env.now()).toBe(30 * US_PER_SEC);
    h.sleep(0.5); // exactly 2 s: time_after() is strict
    track(h.ct, reply());
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(0);
    h.sleep(0.000001);
    track(h.ct, request());
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(IPS_ASSURED);
    expect(h.ct.timeoutAt(slot) - h.env.now()).toBe(120 * US_PER_SEC);
  });

  it('expires an unreplied flow after nf_conntrack_udp_timeout and a stream after the stream timeout', () => {
    const h = harness();
    h.sysctl('net.netfilter.nf_conntrack_udp_timeout_stream', 180);
    track(h.ct, request());
    h.sleep(29.9);
    expect(h.ct.count()).toBe(1);
    h.sleep(0.1);
    expect(h.ct.count()).toBe(0);
    const { slot } = track(h.ct, request());
    track(h.ct, reply());
    track(h.ct, request());
    expect(h.ct.timeoutAt(slot) - h.env.now()).toBe(180 * US_PER_SEC);
    h.sleep(180);
    expect(h.ct.count()).toBe(0);
  });
});
