import { describe, expect, it } from 'vitest';
import { IPS_HW_OFFLOAD, IPS_OFFLOAD } from '../conntrack/conntrack';
import { echoRequest, harness, icmpPacket, ip, tcpPeers, track, udpPacket } from '../conntrack/test-helpers';
import { ICMP_ECHOREPLY, IPPROTO_UDP, TCP_ACK, TCP_SYN } from '../model/packet';
import { renderConntrackCount, renderConntrackList, renderProcConntrack } from './conntrack';

function established(h: ReturnType<typeof harness>, zone: number): number {
  const [c, s] = tcpPeers();
  const { slot } = track(h.ct, c.segment(TCP_SYN), zone);
  track(h.ct, s.segment(TCP_SYN | TCP_ACK), zone);
  track(h.ct, c.segment(TCP_ACK), zone);
  return slot;
}

const TCP_TUPLES = 'src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000';

describe('conntrack -L', () => {
  it('prints an established TCP entry in a zone, timeout rounded down', () => {
    const h = harness();
    established(h, 2);
    expect(renderConntrackList(h.ct)).toBe(`tcp      6 432000 ESTABLISHED ${TCP_TUPLES} [ASSURED] mark=0 zone=2 use=1\n`);
    h.sleep(0.5);
    expect(renderConntrackList(h.ct)).toBe(`tcp      6 431999 ESTABLISHED ${TCP_TUPLES} [ASSURED] mark=0 zone=2 use=1\n`);
  });

  it('prints [UNREPLIED] before the reply tuple and omits zone 0', () => {
    const h = harness();
    const [c] = tcpPeers();
    track(h.ct, c.segment(TCP_SYN));
    expect(renderConntrackList(h.ct)).toBe(
      'tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 mark=0 use=1\n',
    );
  });

  it('prints UDP and ICMP entries without a state, ICMP as type/code/id', () => {
    const h = harness();
    const p = udpPacket('10.0.0.1', '10.0.0.2', 5000, 53);
    h.ct.in(p, 0);
    h.ct.commit(p, { value: 0xbb, mask: 0xffffffff }, undefined); // mark printed in decimal
    track(h.ct, echoRequest('10.0.0.1', '10.0.0.2', 7));
    track(h.ct, icmpPacket('10.0.0.2', '10.0.0.1', ICMP_ECHOREPLY, 7));
    h.sleep(1);
    expect(renderConntrackList(h.ct)).toBe(
      'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000 mark=187 use=1\n' +
        'icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=7 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=7 mark=0 use=1\n',
    );
    expect(renderConntrackList(h.ct, { proto: IPPROTO_UDP })).toBe(
      'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000 mark=187 use=1\n',
    );
  });

  it('prints offloaded entries without timeout and state, one tag, and the flowtable reference', () => {
    const h = harness();
    const slot = established(h, 2);
    // What flow_offload_alloc + tcf_ct_flow_table_add do: a reference and IPS_OFFLOAD.
    h.ct.holdFlowRef(slot, true);
    h.ct.setStatus(slot, IPS_OFFLOAD);
    expect(renderConntrackList(h.ct)).toBe(`tcp      6 ${TCP_TUPLES} [OFFLOAD] mark=0 zone=2 use=2\n`);
    h.ct.setStatus(slot, IPS_HW_OFFLOAD);
    expect(renderConntrackList(h.ct)).toBe(`tcp      6 ${TCP_TUPLES} [HW_OFFLOAD] mark=0 zone=2 use=2\n`);
  });

  it('prints counters after each tuple when accounting is on', () => {
    const h = harness();
    h.sysctl('net.netfilter.nf_conntrack_acct', 1);
    track(h.ct, udpPacket('10.0.0.1', '10.0.0.2', 5000, 53, 100));
    expect(renderConntrackList(h.ct)).toBe(
      'udp      17 30 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 packets=1 bytes=128 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=5000 packets=0 bytes=0 mark=0 use=1\n',
    );
  });

  it('shows the NATed reply tuple', () => {
    const h = harness();
    const [c] = tcpPeers();
    const p = c.segment(TCP_SYN);
    h.ct.in(p, 0);
    h.ct.nat(p, { type: 'src', addrMin: ip('5.5.5.7') }, true);
    h.ct.commit(p, undefined, undefined);
    expect(renderConntrackList(h.ct)).toBe(
      'tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=5.5.5.7 sport=80 dport=1000 mark=0 use=1\n',
    );
  });

  it('filters by zone and prints nothing for an empty selection', () => {
    const h = harness();
    established(h, 2);
    expect(renderConntrackList(h.ct, { zone: 3 })).toBe('');
    expect(renderConntrackList(h.ct, { zone: 2 })).toContain('zone=2 use=1');
  });
});

describe('/proc/net/nf_conntrack', () => {
  it('adds the l3 columns, always prints the zone and reports its own reference', () => {
    const h = harness();
    const slot = established(h, 0);
    h.sleep(0.5);
    expect(renderProcConntrack(h.ct)).toBe(`ipv4     2 tcp      6 431999 ESTABLISHED ${TCP_TUPLES} [ASSURED] mark=0 zone=0 use=2\n`);
    h.ct.holdFlowRef(slot, true);
    h.ct.setStatus(slot, IPS_OFFLOAD | IPS_HW_OFFLOAD);
    expect(renderProcConntrack(h.ct)).toBe(`ipv4     2 tcp      6 ${TCP_TUPLES} [HW_OFFLOAD] mark=0 zone=0 use=3\n`);
  });

  it('names ICMP and generically tracked protocols as the kernel trackers do', () => {
    const h = harness();
    track(h.ct, echoRequest('10.0.0.1', '10.0.0.2', 1));
    const esp = udpPacket('10.0.0.1', '10.0.0.2', 0, 0);
    esp.proto = 50;
    track(h.ct, esp);
    expect(renderProcConntrack(h.ct)).toBe(
      'ipv4     2 icmp     1 30 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=1 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=1 mark=0 zone=0 use=2\n' +
        'ipv4     2 unknown  50 600 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 mark=0 zone=0 use=2\n',
    );
    expect(renderConntrackList(h.ct)).toContain('unknown  50 600 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED]');
  });
});

describe('conntrack -C', () => {
  it('prints the number of entries', () => {
    const h = harness();
    expect(renderConntrackCount(h.ct)).toBe('0\n');
    established(h, 1);
    established(h, 2);
    expect(renderConntrackCount(h.ct)).toBe('2\n');
  });
});
