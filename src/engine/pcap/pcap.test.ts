/**
 * Round trip of `--pcap`: a scenario's capture is parsed back block by block (pcapng) and
 * frame by frame (Ethernet, IPv4, TCP/UDP/ICMP, VXLAN), with every length checked against the
 * headers and every checksum verified by summing the bytes again (a valid RFC 1071 checksum
 * makes the one's-complement sum 0xffff). The parser here is independent of the encoder.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../simulator';

interface Captured {
  ifName: string;
  dir: 'in' | 'out';
  timeUs: number;
  frame: Uint8Array;
}

function parsePcapng(file: Uint8Array): Captured[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(v.getUint32(0, true)).toBe(0x0a0d0d0a);
  expect(v.getUint32(8, true)).toBe(0x1a2b3c4d);
  const names: string[] = [];
  const out: Captured[] = [];
  for (let at = 0; at < file.length; ) {
    const type = v.getUint32(at, true);
    const len = v.getUint32(at + 4, true);
    expect(len % 4).toBe(0);
    expect(v.getUint32(at + len - 4, true)).toBe(len);
    if (type === 1) {
      expect(v.getUint16(at + 8, true)).toBe(1); // LINKTYPE_ETHERNET
      const optLen = v.getUint16(at + 18, true);
      expect(v.getUint16(at + 16, true)).toBe(2); // if_name
      names.push(new TextDecoder().decode(file.subarray(at + 20, at + 20 + optLen)));
    } else if (type === 6) {
      const ifId = v.getUint32(at + 8, true);
      const ts = v.getUint32(at + 12, true) * 2 ** 32 + v.getUint32(at + 16, true);
      const capLen = v.getUint32(at + 20, true);
      expect(v.getUint32(at + 24, true)).toBe(capLen);
      const opt = at + 28 + ((capLen + 3) & ~3);
      expect(v.getUint16(opt, true)).toBe(2); // epb_flags
      const flags = v.getUint32(opt + 4, true);
      out.push({ ifName: names[ifId], dir: flags === 1 ? 'in' : 'out', timeUs: ts, frame: file.slice(at + 28, at + 28 + capLen) });
    }
    at += len;
  }
  return out;
}

const u16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
const u32 = (b: Uint8Array, at: number): number => u16(b, at) * 65536 + u16(b, at + 2);

function onesSum(b: Uint8Array, from: number, to: number, acc = 0): number {
  let s = acc;
  for (let i = from; i < to; i += 2) s += (b[i] << 8) | (i + 1 < to ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

interface Ip {
  src: string;
  dst: string;
  proto: number;
  ttl: number;
  l4: number;
  end: number;
}

const dotted = (a: number): string => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');

/** Checks an IPv4 packet at `at` and its transport checksum; returns its fields. */
function checkIpv4(b: Uint8Array, at: number): Ip {
  expect(b[at]).toBe(0x45);
  const total = u16(b, at + 2);
  expect(onesSum(b, at, at + 20)).toBe(0xffff);
  const ip: Ip = { src: dotted(u32(b, at + 12)), dst: dotted(u32(b, at + 16)), proto: b[at + 9], ttl: b[at + 8], l4: at + 20, end: at + total };
  const pseudo = (u32(b, at + 12) >>> 16) + (u32(b, at + 12) & 0xffff) + (u32(b, at + 16) >>> 16) + (u32(b, at + 16) & 0xffff) + ip.proto + (total - 20);
  if (ip.proto === 6) expect(onesSum(b, ip.l4, ip.end, pseudo)).toBe(0xffff);
  if (ip.proto === 17) {
    expect(u16(b, ip.l4 + 4)).toBe(total - 20);
    if (u16(b, ip.l4 + 6) !== 0) expect(onesSum(b, ip.l4, ip.end, pseudo)).toBe(0xffff);
  }
  if (ip.proto === 1) expect(onesSum(b, ip.l4, ip.end)).toBe(0xffff);
  return ip;
}

function capture(script: string, dev?: string): Captured[] {
  const sim = new Simulator();
  const pcap = sim.startCapture(dev);
  expect(sim.run(script).error).toBeUndefined();
  return parsePcapng(pcap.bytes());
}

const WEB = `ethtool -K uplink hw-tc-offload off
ethtool -K rep0 hw-tc-offload off
tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower ip_proto tcp action ct commit pipe action mirred egress redirect dev rep0
`;

describe('pcapng capture', () => {
  it('sees a redirected packet twice: received on the uplink, sent on rep0, with valid checksums', () => {
    const frames = capture(`${WEB}sleep 1.5\nsend dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags P. len 100 seq 1000 ack 2000 win 512\n`);
    expect(frames.map((f) => [f.ifName, f.dir, f.timeUs])).toEqual([
      ['uplink', 'in', 1_500_000],
      ['rep0', 'out', 1_500_000],
    ]);
    for (const { frame } of frames) {
      expect(u16(frame, 12)).toBe(0x0800);
      const ip = checkIpv4(frame, 14);
      expect(ip).toMatchObject({ src: '192.0.2.10', dst: '10.0.0.1', proto: 6, ttl: 64 });
      expect(frame.length).toBe(14 + 20 + 20 + 100);
      expect(ip.end).toBe(frame.length);
      expect([u16(frame, 34), u16(frame, 36), u32(frame, 38), u32(frame, 42)]).toEqual([40000, 80, 1000, 2000]);
      expect([frame[46] >> 4, frame[47], u16(frame, 48)]).toEqual([5, 0x18, 512]); // data offset, PSH|ACK, window
    }
  });

  it('encodes UDP, ICMP echo, an ICMP error quoting its packet, and VXLAN with its inner frame', () => {
    const frames = capture(
      'send dev uplink udp 192.0.2.10:5000 > 10.0.0.1:53 len 33\n' +
        'send dev uplink icmp 192.0.2.10 > 10.0.0.1\n' +
        'send dev rep0 icmp 10.0.0.1 > 192.0.2.10 type 3 code 3 inner udp 192.0.2.10:5000 > 10.0.0.1:53\n' +
        'send dev uplink vxlan vni 42 src 172.16.0.1 dst 172.16.0.2 udp 10.1.0.1:1000 > 10.1.0.2:2000 len 10\n',
    );
    expect(frames.map((f) => `${f.ifName} ${f.dir}`)).toEqual(['uplink in', 'uplink in', 'rep0 in', 'uplink in']);
    const [udp, echo, error, vxlan] = frames.map((f) => f.frame);
    expect(checkIpv4(udp, 14)).toMatchObject({ proto: 17, end: udp.length });
    expect(udp.length).toBe(14 + 20 + 8 + 33);

    expect(checkIpv4(echo, 14)).toMatchObject({ proto: 1 });
    expect([echo[34], echo[35]]).toEqual([8, 0]);

    expect(checkIpv4(error, 14)).toMatchObject({ proto: 1, src: '10.0.0.1', dst: '192.0.2.10' });
    expect([error[34], error[35]]).toEqual([3, 3]);
    expect(checkIpv4(error, 42)).toMatchObject({ proto: 17, src: '192.0.2.10', dst: '10.0.0.1', end: error.length });

    const outer = checkIpv4(vxlan, 14);
    expect(outer).toMatchObject({ proto: 17, src: '172.16.0.1', dst: '172.16.0.2', end: vxlan.length });
    expect(u16(vxlan, 36)).toBe(4789);
    expect(u16(vxlan, 40)).toBe(0); // vxlan's default: no outer UDP checksum over IPv4
    expect([vxlan[42], u32(vxlan, 46) >>> 8]).toEqual([0x08, 42]);
    expect(u16(vxlan, 50 + 12)).toBe(0x0800);
    expect(checkIpv4(vxlan, 64)).toMatchObject({ proto: 17, src: '10.1.0.1', dst: '10.1.0.2', end: vxlan.length });
  });

  it('captures one device only with a device name, and nothing the NIC forwards in hardware', () => {
    expect(capture(`${WEB}send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S\n`, 'rep0').map((f) => `${f.ifName} ${f.dir}`)).toEqual(['rep0 out']);
    // Offloaded: the rule is in hardware, so the SYN never reaches a software tap.
    const hw = 'tc qdisc add dev uplink ingress\ntc filter add dev uplink ingress prio 1 proto ip flower ip_proto udp action mirred egress redirect dev rep0\n';
    expect(capture(`${hw}send dev uplink udp 192.0.2.10:5000 > 10.0.0.1:53\n`)).toEqual([]);
  });
});
