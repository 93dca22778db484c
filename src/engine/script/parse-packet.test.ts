import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../model/addr';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../model/packet';
import { MAX_SEND_COUNT } from './parse-packet';
import { errorAt, parseError, parseOne, withoutSpans } from './test-support';

const ip = (a: string) => parseIpv4(a)!;
const parsed = (text: string) => withoutSpans(parseOne(text));
const rejects = (text: string, needle: string, message: string, nth = 1) => expect(parseError(text)).toEqual(errorAt(text, needle, message, nth));

describe('send', () => {
  it('reads a TCP packet with defaults', () => {
    expect(parsed('send dev vm1 tcp 10.0.0.1:1234 > 10.0.0.2:80')).toEqual({
      kind: 'send',
      dev: { value: 'vm1' },
      packet: { proto: 'tcp', src: ip('10.0.0.1'), dst: ip('10.0.0.2'), sport: 1234, dport: 80, len: 0, ttl: 64, tos: 0 },
      count: 1,
      interval: 0,
    });
  });

  it('reads every option', () => {
    expect(parsed('send dev vm1 tcp 10.0.0.1:1 > 10.0.0.2:2 flags S. seq 100 ack 0x10 win 512 len 1400 ttl 1 tos 0x10 smac 02:00:00:00:00:01 dmac 02:00:00:00:00:02 count 5 interval 0.25')).toEqual({
      kind: 'send',
      dev: { value: 'vm1' },
      packet: {
        proto: 'tcp', src: ip('10.0.0.1'), dst: ip('10.0.0.2'), sport: 1, dport: 2,
        flags: TCP_SYN | TCP_ACK, seq: 100, ack: 16, win: 512, len: 1400, ttl: 1, tos: 16, srcMac: 0x020000000001, dstMac: 0x020000000002,
      },
      count: 5,
      interval: 0.25,
    });
  });

  it('reads tcpdump flag letters', () => {
    const flags = (f: string) => (parseOne(`send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 flags ${f}`) as { packet: { flags?: number } }).packet.flags;
    expect(flags('FP.')).toBe(TCP_FIN | TCP_PSH | TCP_ACK);
    expect(flags('R')).toBe(TCP_RST);
    expect(flags('UEW')).toBe(TCP_URG | TCP_ECE | TCP_CWR);
    expect(flags('none')).toBe(0);
  });

  it('reads ICMP with its echo defaults, and an ICMP error quoting a packet', () => {
    expect(parsed('send dev vm1 icmp 10.0.0.1 > 10.0.0.2')).toMatchObject({ packet: { proto: 'icmp', sport: 0, dport: 0, icmp: { type: 8, code: 0, id: 1, seq: 1 } } });
    expect(parsed('send dev uplink icmp 9.9.9.9 > 10.0.0.1 type 3 code 4 count 2 inner tcp 10.0.0.1:1234 > 20.0.0.1:80 flags S len 10')).toEqual({
      kind: 'send',
      dev: { value: 'uplink' },
      packet: {
        proto: 'icmp', src: ip('9.9.9.9'), dst: ip('10.0.0.1'), sport: 0, dport: 0, len: 0, ttl: 64, tos: 0,
        icmp: { type: 3, code: 4, id: 1, seq: 1 },
        inner: { proto: 'tcp', src: ip('10.0.0.1'), dst: ip('20.0.0.1'), sport: 1234, dport: 80, flags: TCP_SYN, len: 10, ttl: 64, tos: 0 },
      },
      count: 2,
      interval: 0,
    });
  });

  it('reads outer VXLAN headers', () => {
    expect(parsed('send dev uplink vxlan vni 100 src 172.16.0.1 dst 172.16.0.2 udp 10.0.0.1:5000 > 10.0.0.2:53')).toMatchObject({
      packet: { proto: 'udp', vxlan: { vni: 100, src: ip('172.16.0.1'), dst: ip('172.16.0.2'), dstPort: 4789 } },
    });
    expect(parsed('send dev uplink vxlan dst 2.2.2.2 dport 8472 vni 1 src 1.1.1.1 icmp 10.0.0.1 > 10.0.0.2')).toMatchObject({ packet: { vxlan: { dstPort: 8472 } } });
  });

  it(`allows up to ${MAX_SEND_COUNT} packets per send`, () => {
    expect(parsed(`send dev d udp 1.1.1.1:1 > 2.2.2.2:2 count ${MAX_SEND_COUNT}`)).toMatchObject({ count: MAX_SEND_COUNT });
  });

  it.each([
    ['send dev d udp 1.1.1.1:1 > 2.2.2.2:2 count 10000001', '10000001', 'count 10000001 exceeds the limit of 1000000 packets per send'],
    ['send dev d udp 1.1.1.1:1 > 2.2.2.2:2 count 0', ' 0', 'invalid count "0": must be 1-1000000'],
    ['send dev d tcp 1.1.1.1:70000 > 2.2.2.2:2', '70000', 'invalid port "70000": must be 0-65535'],
    ['send dev d tcp 1.1.1.1 > 2.2.2.2:2', '1.1.1.1', 'expected source IP:PORT, got "1.1.1.1"'],
    ['send dev d icmp 1.1.1.1:5 > 2.2.2.2', ':5', 'an icmp source has no port: "1.1.1.1:5"'],
    ['send dev d tcp 1.1.1.1:1 2.2.2.2:2', '2.2.2.2:2', 'expected ">" between source and destination'],
    ['send dev d tcp 1.1.1.1:1 >', '>', 'missing argument after ">"'],
    ['send dev d sctp 1.1.1.1:1 > 2.2.2.2:2', 'sctp', 'expected tcp, udp, icmp, icmp6, got "sctp"'],
    ['send d tcp 1.1.1.1:1 > 2.2.2.2:2', ' d', 'expected "dev DEVICE" after "send"'],
    ['send dev d udp 1.1.1.1:1 > 2.2.2.2:2 flags S', 'flags', '"flags" is only valid for tcp packets'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 flags SX', 'X', 'unknown TCP flag "X" in "SX": use tcpdump letters S F R P U E W and . for ACK'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 flags SS', 'S', 'duplicate TCP flag "S" in "SS"', 2],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 len 65001', '65001', 'invalid len "65001": must be 0-65000'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 ttl 1 ttl 2', 'ttl', 'duplicate "ttl"', 2],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 interval -1', '-1', 'invalid interval "-1": expected seconds, e.g. 1.5'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 interval 0.0000001', '0.0000001', 'invalid interval "0.0000001": the clock resolution is 1 microsecond (at most 6 decimals)'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 bogus 1', 'bogus', 'unexpected "bogus"'],
    ['send dev d tcp 1.1.1.1:1 > 2.2.2.2:2 type 3', 'type', '"type" is only valid for icmp packets'],
    ['send dev d icmp 1.1.1.1 > 2.2.2.2 inner tcp 1.1.1.1:1 > 2.2.2.2:2', 'inner', '"inner" is the packet an ICMP error quotes: give an icmp error "type" (3, 4, 5, 11 or 12) first'],
    ['send dev d icmp 1.1.1.1 > 2.2.2.2 type 11 inner udp 1.1.1.1:1 > 2.2.2.2:2 count 3', 'count', '"count" belongs to the outer packet: put it before "inner"'],
    ['send dev d icmp 1.1.1.1 > 2.2.2.2 type 11 inner icmp 1.1.1.1 > 2.2.2.2 type 3 inner udp 1.1.1.1:1 > 2.2.2.2:2', 'inner', 'a quoted packet cannot quote another one', 2],
    ['send dev d vxlan vni 1 src 1.1.1.1 udp 1.1.1.1:1 > 2.2.2.2:2', 'vxlan', 'vxlan needs "vni N src A dst B"'],
    ['send dev d vxlan vni 16777216 src 1.1.1.1 dst 2.2.2.2 udp 1.1.1.1:1 > 2.2.2.2:2', '16777216', 'invalid vni "16777216": must be 0-16777215'],
    ['send dev d tcp 1.1.1.1:1 > fe80::1:2', 'fe80', 'an IPv6 destination with a port is written [ADDRESS]:PORT, got "fe80::1:2"'],
    ['send dev d tcp 1.1.1.1:1 > [fe80::1]:2', '[fe80', 'the source is IPv4 and the destination IPv6: both ends must be of one family'],
    ['send dev d icmp fe80::1 > fe80::2', 'icmp', 'ICMP over IPv6 is "icmp6"'],
    ['send dev d icmp6 1.1.1.1 > 2.2.2.2', 'icmp6', '"icmp6" needs IPv6 addresses (ICMP over IPv4 is "icmp")'],
    ['send dev d tcp [1.1.1.1]:1 > [fe80::2]:2', '1.1.1.1', 'only an IPv6 address goes in brackets: "[1.1.1.1]:1"'],
    ['send dev d tcp [fe80::1:1 > [fe80::2]:2', '[fe80::1:1', 'missing "]" after the IPv6 address in "[fe80::1:1"'],
    ['send dev d icmp6 fe80::1 > fe80::2 type 1 inner tcp 1.1.1.1:1 > 2.2.2.2:2', 'tcp', 'the quoted packet must be of the error\'s IP family'],
  ])('rejects %s', (text, needle, message, nth = 1) => {
    const expected = errorAt(text, needle, message, nth);
    // needles that start with a space mark the value after it
    expect(parseError(text)).toEqual(needle.startsWith(' ') ? { ...expected, col: expected.col + 1 } : expected);
  });

  it('points at the port inside IP:PORT', () => {
    const text = 'send dev d tcp 1.1.1.1:1 > 2.2.2.2:99999';
    expect(parseError(text)).toEqual(errorAt(text, '99999', 'invalid port "99999": must be 0-65535'));
  });
});

describe('connect', () => {
  it('reads a TCP exchange with defaults and with options', () => {
    expect(parsed('connect dev vm1 tcp 10.0.0.1:1234 > 10.0.0.2:80')).toEqual({
      kind: 'connect', dev: { value: 'vm1' }, proto: 'tcp', src: ip('10.0.0.1'), dst: ip('10.0.0.2'), sport: 1234, dport: 80, dataPackets: 1, len: 100, close: 'fin',
    });
    expect(parsed('connect dev vm1 tcp 10.0.0.1:1 > 10.0.0.2:2 data 0 len 0 close rst')).toMatchObject({ dataPackets: 0, len: 0, close: 'rst' });
  });

  it('has no close for UDP', () => {
    expect(parsed('connect dev vm1 udp 10.0.0.1:1 > 10.0.0.2:53 data 3')).toMatchObject({ proto: 'udp', dataPackets: 3, close: 'none' });
  });

  it.each([
    ['connect dev vm1 udp 1.1.1.1:1 > 2.2.2.2:2 close fin', 'close', '"close" is only valid for tcp'],
    ['connect dev vm1 tcp 1.1.1.1:1 > 2.2.2.2:2 close half', 'half', 'invalid close "half": expected fin, rst or none'],
    ['connect dev vm1 icmp 1.1.1.1 > 2.2.2.2', 'icmp', 'expected tcp, udp, got "icmp"'],
    ['connect dev vm1 tcp 1.1.1.1:1 > 2.2.2.2:2 data 1000001', '1000001', 'invalid data "1000001": must be 0-1000000'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});
