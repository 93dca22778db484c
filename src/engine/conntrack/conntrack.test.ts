import { describe, expect, it } from 'vitest';
import { US_PER_SEC } from '../clock';
import { CtInfo, TCP_ACK, TCP_SYN } from '../model/packet';
import { IPS_ASSURED, IPS_CONFIRMED, IPS_OFFLOAD, IPS_SEEN_REPLY, TcpState } from './conntrack';
import { eventsOf, harness, tcpPeers, track, udpPacket } from './test-helpers';

const flow = (sport = 5000) => udpPacket('10.0.0.1', '10.0.0.2', sport, 53);
const back = (sport = 5000) => udpPacket('10.0.0.2', '10.0.0.1', 53, sport);

describe('zones', () => {
  it('keeps the same tuple apart in two zones', () => {
    const h = harness();
    const z1 = track(h.ct, flow(), 1);
    const z2 = track(h.ct, flow(), 2);
    expect(z1.slot).not.toBe(z2.slot);
    expect([h.ct.zone(z1.slot), h.ct.zone(z2.slot)]).toEqual([1, 2]);
    expect(track(h.ct, back(), 2).slot).toBe(z2.slot);
    expect(h.ct.status(z1.slot) & IPS_ASSURED).toBe(0);
    expect(track(h.ct, flow(), 3).ctinfo).toBe(CtInfo.NEW);
  });
});

describe('unconfirmed entries', () => {
  it('are private to their packet and die with it unless committed', () => {
    const h = harness();
    const a = flow();
    h.ct.in(a, 0);
    const b = flow();
    h.ct.in(b, 0);
    expect(a.meta.ctinfo).toBe(CtInfo.NEW);
    expect(b.meta.ctinfo).toBe(CtInfo.NEW);
    expect(h.ct.ctId(b.meta.ct)).not.toBe(h.ct.ctId(a.meta.ct));
    expect(h.ct.isConfirmed(a.meta.ct)).toBe(false);
    expect(h.ct.count()).toBe(0);
    h.ct.releaseSkb(a);
    h.ct.releaseSkb(b);
    expect(a.meta.ct).toBe(-1);
    expect(h.ct.store.used).toBe(0);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => e.reason)).toEqual(['unconfirmed', 'unconfirmed']);
  });

  it('become visible to later packets once committed', () => {
    const h = harness();
    const { slot } = track(h.ct, flow());
    expect(h.ct.status(slot) & IPS_CONFIRMED).toBe(IPS_CONFIRMED);
    expect(eventsOf(h.events, 'ct.confirm')).toHaveLength(1);
    expect(track(h.ct, flow(), 0, false).ctinfo).toBe(CtInfo.NEW);
    expect(track(h.ct, back(), 0, false).ctinfo).toBe(CtInfo.ESTABLISHED_REPLY);
    expect(track(h.ct, flow(), 0, false).ctinfo).toBe(CtInfo.ESTABLISHED);
  });
});

describe('commit: mark and labels', () => {
  it('sets mark = value | (old & ~mask), a no-op for mask 0, also on a confirmed entry', () => {
    const h = harness();
    const p = flow();
    h.ct.in(p, 0);
    h.ct.commit(p, { value: 0xabcd, mask: 0xffffffff }, undefined);
    const slot = p.meta.ct;
    h.ct.releaseSkb(p);
    const q = flow();
    h.ct.in(q, 0);
    h.ct.commit(q, { value: 0x12, mask: 0xf0 }, undefined);
    expect(h.ct.mark(slot)).toBe(0xab1f);
    h.ct.commit(q, { value: 0x99, mask: 0 }, undefined);
    expect(h.ct.mark(slot)).toBe(0xab1f);
    expect(eventsOf(h.events, 'ct.confirm').map((e) => e.mark)).toEqual([0xabcd]);
  });

  it('replaces labels under the mask (value not masked, as nf_connlabels_replace)', () => {
    const h = harness();
    const p = flow();
    h.ct.in(p, 0);
    h.ct.commit(p, undefined, { value: [0x12312300, 0, 0, 0], mask: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff] });
    const slot = p.meta.ct;
    expect(h.ct.label(slot)).toEqual([0x12312300, 0, 0, 0]);
    expect(eventsOf(h.events, 'ct.confirm')[0].label).toBe('12312300000000000000000000000000');
    h.ct.commit(p, undefined, { value: [0x1, 0, 0, 0xf], mask: [0xff, 0, 0, 0] });
    expect(h.ct.label(slot)).toEqual([0x12312301, 0, 0, 0xf]);
    h.ct.commit(p, undefined, { value: [0x5, 0, 0, 0], mask: [0, 0, 0, 0] });
    expect(h.ct.label(slot)).toEqual([0x12312301, 0, 0, 0xf]);
  });
});

describe('nf_conntrack_max', () => {
  it('evicts an unassured entry near the new tuple, and drops the packet when only assured ones are left', () => {
    const h = harness();
    h.sysctl('net.netfilter.nf_conntrack_max', 2);
    // Two assured flows fill the table.
    for (const port of [1, 2]) {
      track(h.ct, flow(port));
      track(h.ct, back(port));
      track(h.ct, flow(port));
    }
    const p = flow(3);
    expect(h.ct.in(p, 0)).toBe('drop');
    expect(p.meta.ct).toBe(-1);
    expect(eventsOf(h.events, 'ct.lookup').at(-1)!.reason).toBe('nf_conntrack: table full, dropping packet');

    // With unassured entries in the table, a new connection evicts them (early_drop).
    const g = harness();
    g.sysctl('net.netfilter.nf_conntrack_max', 1);
    track(g.ct, flow(1));
    const evictions: string[] = [];
    g.env.events.subscribe((e) => e.kind === 'ct.destroy' && evictions.push(e.reason));
    // early_drop scans only the new tuple's bucket and the 7 after it: new tuples elsewhere
    // are refused until one lands near the unassured entry.
    let accepted = 0;
    for (let port = 2; port < 4000 && accepted === 0; port++) {
      if (track(g.ct, flow(port)).verdict === 'accept') accepted = port;
    }
    expect(accepted).toBeGreaterThan(0);
    expect(evictions).toEqual(['killed']);
    expect(g.ct.count()).toBe(1);
  });
});

describe('garbage collection', () => {
  it('arms one timer, for the earliest second holding entries, and re-files lazily', () => {
    const h = harness();
    expect(h.ct.gcTimerSecond()).toBe(-1);
    const [c, s] = tcpPeers();
    const { slot } = track(h.ct, c.segment(TCP_SYN));
    expect(h.ct.gcTimerSecond()).toBe(120);
    track(h.ct, s.segment(TCP_SYN | TCP_ACK));
    expect(h.ct.gcTimerSecond()).toBe(60); // SYN_RECV: a shorter timeout files the entry earlier
    track(h.ct, c.segment(TCP_ACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    expect(h.ct.gcTimerSecond()).toBe(60); // a longer one leaves it where it is
    const fired: number[] = [];
    h.env.clock.advanceTo(432000 * US_PER_SEC, (name, at) => name === 'conntrack gc' && fired.push(at / US_PER_SEC));
    expect(fired).toEqual([60, 432000]);
    expect(h.ct.count()).toBe(0);
    expect(h.ct.gcTimerSecond()).toBe(-1);
    expect(h.env.clock.pendingCount()).toBe(0);
  });

  it('costs one timer per second that holds entries when sleeping over an idle table', () => {
    const h = harness({ listen: false });
    for (let i = 0; i < 1000; i++) track(h.ct, flow(1000 + i));
    let fires = 0;
    h.env.clock.advanceTo(432000 * US_PER_SEC, (name) => name === 'conntrack gc' && fires++);
    expect(fires).toBe(1);
    expect(h.ct.store.used).toBe(0);
  });

  it('moves the timer earlier when a timeout shrinks and disarms when the table empties', () => {
    const h = harness();
    const { slot } = track(h.ct, flow());
    expect(h.ct.gcTimerSecond()).toBe(30);
    h.ct.setTimeoutAt(slot, 5.5 * US_PER_SEC);
    expect(h.ct.gcTimerSecond()).toBe(6);
    h.ct.kill(slot, 'killed');
    expect(h.ct.gcTimerSecond()).toBe(-1);
  });

  it('never lists an entry whose timeout has passed, even before the GC second comes', () => {
    const h = harness();
    const { slot } = track(h.ct, flow());
    h.ct.setTimeoutAt(slot, 5.25 * US_PER_SEC);
    h.sleep(5.5);
    expect(h.ct.count()).toBe(0);
    const listed: number[] = [];
    h.ct.forEach((ct) => listed.push(ct));
    expect(listed).toEqual([]);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => [e.reason, e.t])).toEqual([['expired', 5.5 * US_PER_SEC]]);
  });

  it('counts entries by status without their expired ones, and without reaping them', () => {
    const h = harness();
    const short = track(h.ct, flow(1)).slot;
    track(h.ct, flow(2));
    const assured = track(h.ct, flow(3)).slot;
    track(h.ct, back(3), 0, false);
    h.ct.setTimeoutAt(short, 5.25 * US_PER_SEC);
    expect([h.ct.countStatus(IPS_CONFIRMED), h.ct.countStatus(IPS_CONFIRMED | IPS_SEEN_REPLY)]).toEqual([3, 1]);
    expect(h.ct.status(assured) & IPS_SEEN_REPLY).toBe(IPS_SEEN_REPLY);
    h.sleep(5.5);
    expect(h.ct.countStatus(IPS_CONFIRMED)).toBe(2);
    expect(eventsOf(h.events, 'ct.destroy')).toEqual([]);
  });
});

describe('offload', () => {
  it('keeps offloaded entries alive (nf_ct_offload_timeout) and lowers the timeout when handed back', () => {
    for (const [mode, left] of [['pickup', 120], ['state-minus-offload', 432000 - 30]] as const) {
      const h = harness();
      const [c, s] = tcpPeers();
      const { slot } = track(h.ct, c.segment(TCP_SYN));
      track(h.ct, s.segment(TCP_SYN | TCP_ACK));
      track(h.ct, c.segment(TCP_ACK));
      h.ct.setStatus(slot, IPS_OFFLOAD);
      h.sleep(10 * 86400);
      expect(h.ct.isAlive(slot)).toBe(true);
      const remaining = (h.ct.timeoutAt(slot) - h.env.now()) / US_PER_SEC;
      expect(remaining).toBeGreaterThan(43200);
      h.ct.clearStatus(slot, IPS_OFFLOAD);
      h.ct.offloadFixup(slot, mode, 30);
      expect((h.ct.timeoutAt(slot) - h.env.now()) / US_PER_SEC).toBe(Math.min(left, remaining));
      expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    }
  });

  it('tells the flowtable before an entry goes, and flush removes offloaded entries too (since v6.4)', () => {
    const h = harness({ profile: '6.12' });
    const destroyed: number[] = [];
    h.ct.onDestroy = (ct) => destroyed.push(h.ct.ctId(ct));
    const a = track(h.ct, flow(1)).slot;
    const b = track(h.ct, flow(2)).slot;
    h.ct.setStatus(b, IPS_OFFLOAD);
    const ids = [h.ct.ctId(a), h.ct.ctId(b)];
    h.ct.flush();
    expect(destroyed).toEqual(ids);
    expect(h.ct.count()).toBe(0);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => e.reason)).toEqual(['flush', 'flush']);
  });

  it('flushes around offloaded entries before v6.4 (ctnetlink_flush_iterate skips IPS_OFFLOAD)', () => {
    const h = harness();
    const a = track(h.ct, flow(1)).slot;
    const b = track(h.ct, flow(2)).slot;
    h.ct.setStatus(b, IPS_OFFLOAD);
    const kept = h.ct.ctId(b);
    h.ct.flush();
    expect(h.ct.isAlive(a)).toBe(false);
    expect(h.ct.count()).toBe(1);
    expect(h.ct.ctId(b)).toBe(kept);
  });
});

describe('references and accounting', () => {
  it('frees a killed entry only when the last packet holding it is released', () => {
    const h = harness();
    const { slot } = track(h.ct, flow());
    const held = back();
    h.ct.in(held, 0);
    h.ct.kill(slot, 'killed');
    expect(h.ct.isAlive(slot)).toBe(false);
    const other = track(h.ct, flow(6000)).slot;
    expect(other).not.toBe(slot);
    h.ct.releaseSkb(held);
    expect(h.ct.store.isUsed(slot)).toBe(false);
    expect(track(h.ct, flow(7000)).slot).toBe(slot);
  });

  it('lets attach() hold an entry for a packet that bypassed conntrack (flowtable fast path)', () => {
    const h = harness();
    const { slot } = track(h.ct, flow());
    const fast = flow();
    h.ct.attach(fast, slot, CtInfo.ESTABLISHED);
    expect([fast.meta.ct, fast.meta.ctinfo]).toEqual([slot, CtInfo.ESTABLISHED]);
    h.ct.kill(slot, 'killed');
    expect(h.ct.store.isUsed(slot)).toBe(true);
    h.ct.releaseSkb(fast);
    expect(h.ct.store.isUsed(slot)).toBe(false);
  });

  it('counts packets and IP bytes per direction when nf_conntrack_acct=1 at creation', () => {
    const h = harness();
    const before = track(h.ct, flow(1)).slot;
    h.sysctl('net.netfilter.nf_conntrack_acct', 1);
    const { slot } = track(h.ct, udpPacket('10.0.0.1', '10.0.0.2', 2, 53, 100));
    track(h.ct, udpPacket('10.0.0.2', '10.0.0.1', 53, 2, 20));
    h.ct.acct(slot, 1, 10, 1000);
    expect([h.ct.packets(slot, 0), h.ct.bytes(slot, 0), h.ct.packets(slot, 1), h.ct.bytes(slot, 1)]).toEqual([1, 128, 11, 1048]);
    expect(h.ct.hasAcct(before)).toBe(false);
  });

  it('lists entries oldest first even when slots are reused', () => {
    const h = harness();
    const a = track(h.ct, flow(1)).slot;
    track(h.ct, flow(2));
    h.ct.kill(a, 'killed');
    const c = track(h.ct, flow(3)).slot;
    expect(c).toBe(a);
    const order: number[] = [];
    h.ct.forEach((ct) => order.push(h.ct.ctId(ct)));
    expect(order).toEqual([2, 3]);
  });

  it('lists entries oldest first when their ids are far apart (most entries between them gone) and slots are reused', () => {
    const h = harness();
    const slots = Array.from({ length: 30 }, (_, i) => track(h.ct, flow(i + 1)).slot);
    for (const slot of slots.slice(1, 29)) h.ct.kill(slot, 'killed');
    const reused = track(h.ct, flow(31)).slot;
    expect(slots.slice(1, 29)).toContain(reused);
    const order: number[] = [];
    h.ct.forEach((ct) => order.push(h.ct.ctId(ct)));
    expect(order).toEqual([1, 30, 31]);
  });
});
