import { describe, expect, it } from 'vitest';
import { US_PER_SEC } from '../clock';
import { CtInfo, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../model/packet';
import { IPS_ASSURED, IPS_SEEN_REPLY, TcpState } from './conntrack';
import { tcpFlagsValid, tcpPacketIndex, tcpTransition } from './tcp';
import { eventsOf, harness, tcpPacket, tcpPeers, track } from './test-helpers';

const SYN = TCP_SYN;
const SYNACK = TCP_SYN | TCP_ACK;
const ACK = TCP_ACK;
const FINACK = TCP_FIN | TCP_ACK;

function handshake() {
  const h = harness();
  const [c, s] = tcpPeers();
  const syn = track(h.ct, c.segment(SYN));
  const synack = track(h.ct, s.segment(SYNACK));
  const ack = track(h.ct, c.segment(ACK));
  return { h, c, s, slot: syn.slot, syn, synack, ack };
}

const remaining = (h: ReturnType<typeof harness>, slot: number): number => (h.ct.timeoutAt(slot) - h.env.now()) / US_PER_SEC;

describe('TCP state table', () => {
  it('classifies packets like get_conntrack_index', () => {
    expect(tcpPacketIndex(TCP_RST | TCP_ACK)).toBe(4);
    expect(tcpPacketIndex(SYNACK)).toBe(1);
    expect(tcpPacketIndex(FINACK)).toBe(2);
    expect(tcpPacketIndex(ACK | TCP_PSH)).toBe(3);
    expect(tcpPacketIndex(0)).toBe(5);
  });

  it('holds the current rows (ORIGINAL SYN/ACK in ESTABLISHED is invalid, REPLY SYN reopens TIME_WAIT)', () => {
    expect(tcpTransition(0, 1, TcpState.ESTABLISHED)).toBe(10);
    expect(tcpTransition(1, 0, TcpState.TIME_WAIT)).toBe(TcpState.SYN_SENT);
    expect(tcpTransition(1, 3, TcpState.SYN_SENT)).toBe(11);
  });

  it('accepts exactly the kernel flag combinations (PSH/ECE/CWR ignored)', () => {
    for (const f of [SYN, SYN | TCP_URG, SYNACK, TCP_RST, TCP_RST | ACK, FINACK, FINACK | TCP_URG, ACK, ACK | TCP_URG, SYNACK | TCP_PSH | 0x40]) {
      expect(tcpFlagsValid(f)).toBe(true);
    }
    for (const f of [0, TCP_FIN, SYN | TCP_FIN, SYN | TCP_RST, TCP_PSH, TCP_URG, SYN | TCP_FIN | TCP_ACK]) {
      expect(tcpFlagsValid(f)).toBe(false);
    }
  });
});

describe('TCP handshake', () => {
  it('goes SYN_SENT → SYN_RECV → ESTABLISHED with the kernel ctinfo and ASSURED on the third packet', () => {
    const { h, slot, syn, synack, ack } = handshake();
    expect(syn.ctinfo).toBe(CtInfo.NEW);
    expect(synack.ctinfo).toBe(CtInfo.ESTABLISHED_REPLY);
    expect(ack.ctinfo).toBe(CtInfo.ESTABLISHED);
    expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    expect(h.ct.status(slot) & (IPS_SEEN_REPLY | IPS_ASSURED)).toBe(IPS_SEEN_REPLY | IPS_ASSURED);
    expect(remaining(h, slot)).toBe(432000);
    const states = eventsOf(h.events, 'ct.state').map((e) => `${e.from}>${e.to}:${e.status}`);
    expect(states).toEqual([
      'NONE>SYN_SENT:',
      'SYN_SENT>SYN_RECV:SEEN_REPLY|CONFIRMED',
      'SYN_RECV>ESTABLISHED:SEEN_REPLY|ASSURED|CONFIRMED',
    ]);
  });

  it('processes the SYN/ACK with SEEN_REPLY still clear (not ASSURED, SYN_RECV timeout)', () => {
    const h = harness();
    const [c, s] = tcpPeers();
    const { slot } = track(h.ct, c.segment(SYN));
    expect(remaining(h, slot)).toBe(120);
    track(h.ct, s.segment(SYNACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.SYN_RECV);
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(0);
    expect(h.ct.status(slot) & IPS_SEEN_REPLY).toBe(IPS_SEEN_REPLY);
    expect(remaining(h, slot)).toBe(60);
  });

  it('keeps a retransmitted SYN +trk+new; 6.12 does not renew the timeout, 5.7 does', () => {
    for (const [profile, left] of [['5.7', 120], ['6.12', 110]] as const) {
      const h = harness({ profile });
      const [c] = tcpPeers();
      const first = c.segment(SYN);
      const { slot } = track(h.ct, first);
      h.sleep(10);
      const again = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, SYN, first.seq, 0);
      expect(track(h.ct, again).ctinfo).toBe(CtInfo.NEW);
      expect(remaining(h, slot)).toBe(left);
    }
  });
});

describe('TCP close', () => {
  it('walks FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT and expires 120 s later', () => {
    const { h, c, s, slot } = handshake();
    track(h.ct, c.segment(FINACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.FIN_WAIT);
    track(h.ct, s.segment(ACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.CLOSE_WAIT);
    expect(remaining(h, slot)).toBe(60);
    track(h.ct, s.segment(FINACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.LAST_ACK);
    expect(remaining(h, slot)).toBe(30);
    track(h.ct, c.segment(ACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.TIME_WAIT);
    expect(remaining(h, slot)).toBe(120);
    const id = h.ct.ctId(slot);
    h.sleep(119.999999);
    expect(h.ct.count()).toBe(1);
    h.sleep(0.000001);
    expect(h.ct.count()).toBe(0);
    expect(h.ct.isAlive(slot)).toBe(false);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => [e.ctId, e.reason])).toEqual([[id, 'expired']]);
  });

  it('re-opens a TIME_WAIT tuple on a new SYN: the old entry is replaced', () => {
    const { h, c, s, slot } = handshake();
    track(h.ct, c.segment(FINACK));
    track(h.ct, s.segment(FINACK));
    track(h.ct, c.segment(ACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.TIME_WAIT);
    const oldId = h.ct.ctId(slot);
    c.seq += 100000;
    const reopen = track(h.ct, c.segment(SYN));
    expect(reopen.ctinfo).toBe(CtInfo.NEW);
    expect(h.ct.ctId(reopen.slot)).not.toBe(oldId);
    expect(h.ct.tcpState(reopen.slot)).toBe(TcpState.SYN_SENT);
    expect(h.ct.count()).toBe(1);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => [e.ctId, e.reason])).toEqual([[oldId, 'replaced']]);
  });
});

describe('TCP RST', () => {
  it('kills an unreplied connection on RST; the RST itself is still +trk+est+rpl', () => {
    const h = harness();
    const [c, s] = tcpPeers();
    const { slot } = track(h.ct, c.segment(SYN));
    const rst = s.segment(TCP_RST | ACK);
    h.ct.in(rst, 0);
    expect(rst.meta.ct).toBe(slot);
    expect(rst.meta.ctinfo).toBe(CtInfo.ESTABLISHED_REPLY);
    expect(h.ct.isAlive(slot)).toBe(false);
    expect(h.ct.count()).toBe(0);
    h.ct.releaseSkb(rst);
    expect(h.ct.store.used).toBe(0);
    expect(eventsOf(h.events, 'ct.destroy').map((e) => e.reason)).toEqual(['killed']);
  });

  it('moves an established connection to CLOSE with the 10 s timeout on an exact RST', () => {
    const { h, c, slot } = handshake();
    track(h.ct, c.segment(TCP_RST | ACK));
    expect(h.ct.tcpState(slot)).toBe(TcpState.CLOSE);
    expect(remaining(h, slot)).toBe(10);
  });

  it('marks a RST below the peer max ACK invalid', () => {
    const { h, c, slot } = handshake();
    const p = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, TCP_RST | ACK, c.seq - 500, c.ack);
    h.ct.in(p, 0);
    expect(p.meta.ct).toBe(-1);
    expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    expect(eventsOf(h.events, 'ct.lookup').at(-1)!.reason).toBe('invalid rst');
  });
});

describe('TCP mid-stream pickup', () => {
  it('picks up an ACK with nf_conntrack_tcp_loose=1 (ESTABLISHED, UNACK timeout until a reply)', () => {
    const h = harness();
    const p = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK, 77777, 88888);
    const { slot, ctinfo } = track(h.ct, p);
    expect(ctinfo).toBe(CtInfo.NEW);
    expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    expect(remaining(h, slot)).toBe(300);
    const reply = tcpPacket('10.0.0.2', '10.0.0.1', 80, 1000, ACK, 88888, 77777);
    track(h.ct, reply);
    const third = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK, 77777, 88888);
    expect(track(h.ct, third).ctinfo).toBe(CtInfo.ESTABLISHED);
    expect(h.ct.status(slot) & IPS_ASSURED).toBe(IPS_ASSURED);
  });

  it('refuses the pickup with nf_conntrack_tcp_loose=0', () => {
    const h = harness();
    h.sysctl('net.netfilter.nf_conntrack_tcp_loose', 0);
    const p = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK, 77777, 88888);
    h.ct.in(p, 0);
    expect(p.meta.ct).toBe(-1);
    expect(h.ct.store.used).toBe(0);
    const lookup = eventsOf(h.events, 'ct.lookup')[0];
    expect([lookup.result, lookup.ctState, lookup.reason]).toEqual(['invalid', '+trk+inv', 'mid-stream pickup refused (nf_conntrack_tcp_loose=0)']);
  });
});

describe('TCP validity and windows', () => {
  it('marks bad flag combinations invalid without touching the entry', () => {
    const { h, slot } = handshake();
    for (const flags of [TCP_SYN | TCP_FIN, TCP_FIN, 0]) {
      const p = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, flags, 1001, 5001);
      h.ct.in(p, 0);
      expect(p.meta.ct).toBe(-1);
    }
    expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    expect(eventsOf(h.events, 'ct.lookup').at(-1)!.reason).toBe('invalid tcp flag combination');
  });

  it('refuses a new connection from a bare SYN/ACK', () => {
    const h = harness();
    const p = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, SYNACK, 1, 1);
    h.ct.in(p, 0);
    expect(p.meta.ct).toBe(-1);
  });

  it('marks data beyond td_maxend invalid, unless nf_conntrack_tcp_be_liberal=1', () => {
    const { h, c, slot } = handshake();
    // The server advertised 64240 bytes of window: 100000 bytes ahead is over the upper bound.
    const far = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK | TCP_PSH, c.seq + 100000, c.ack, { len: 100 });
    h.ct.in(far, 0);
    expect(far.meta.ct).toBe(-1);
    expect(eventsOf(h.events, 'ct.lookup').at(-1)!.reason).toBe('SEQ is over the upper bound (over the window of the receiver)');
    h.sysctl('net.netfilter.nf_conntrack_tcp_be_liberal', 1);
    const again = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK | TCP_PSH, c.seq + 100000, c.ack, { len: 100 });
    h.ct.in(again, 0);
    expect(again.meta.ct).toBe(slot);
    expect(again.meta.ctinfo).toBe(CtInfo.ESTABLISHED);
  });

  it('accepts out-of-window data when the direction is BE_LIBERAL (act_ct offload)', () => {
    const { h, c, slot } = handshake();
    h.ct.setTcpBeLiberal(slot);
    const far = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK, c.seq + 100000, c.ack, { len: 10 });
    h.ct.in(far, 0);
    expect(far.meta.ct).toBe(slot);
  });

  it('treats an old retransmission below the window as invalid in 5.7 and ignored in 6.12', () => {
    for (const [profile, accepted] of [['5.7', false], ['6.12', true]] as const) {
      const h = harness({ profile });
      const [c, s] = tcpPeers();
      const { slot } = track(h.ct, c.segment(SYN));
      track(h.ct, s.segment(SYNACK));
      track(h.ct, c.segment(ACK));
      for (let i = 0; i < 3; i++) {
        track(h.ct, c.segment(ACK | TCP_PSH, 60000));
        track(h.ct, s.segment(ACK));
      }
      const stale = tcpPacket('10.0.0.1', '10.0.0.2', 1000, 80, ACK, 1001, c.ack, { len: 100 });
      h.ct.in(stale, 0);
      expect(stale.meta.ct === slot).toBe(accepted);
      expect(h.ct.tcpState(slot)).toBe(TcpState.ESTABLISHED);
    }
  });

  it('uses the UNACK timeout while data is unacknowledged', () => {
    const { h, c, s, slot } = handshake();
    track(h.ct, c.segment(ACK | TCP_PSH, 500));
    expect(remaining(h, slot)).toBe(300);
    track(h.ct, s.segment(ACK));
    expect(remaining(h, slot)).toBe(432000);
  });
});
