import { describe, expect, it } from 'vitest';
import type { Conntrack } from '../conntrack/conntrack';
import { parseIpv4 } from '../model/addr';
import { CtInfo, ETH_P_ARP, ETH_P_IP, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_SYN, type Packet } from '../model/packet';
import {
  CT_FLAG_ESTABLISHED,
  CT_FLAG_INVALID,
  CT_FLAG_NEW,
  CT_FLAG_RELATED,
  CT_FLAG_REPLY,
  CT_FLAG_TRACKED,
  type FlowerKeys,
} from '../script/ast';
import { ETH_P_ALL } from '../script/protocols';
import { compileFlower, ctStateString, CtKey, FlowerMatch, packetCtState } from './flower';
import { FakeConntrack, packet } from './test-host';

const ip = (s: string): number => parseIpv4(s)!;
const TRK = CT_FLAG_TRACKED;
const NEW = CT_FLAG_NEW;
const EST = CT_FLAG_ESTABLISHED;
const RPL = CT_FLAG_REPLY;
const INV = CT_FLAG_INVALID;

function compile(keys: FlowerKeys, protocol = ETH_P_IP, validateCtState = true): FlowerMatch {
  const m = compileFlower({ keys, protocol, indevExists: true, validateCtState });
  if (typeof m === 'string') throw new Error(m);
  return m;
}

/** Checks a packet against keys, the ct key read as the 5.7 or current kernel would. */
function check(keys: FlowerKeys, pkt: Packet, opts: { ct?: FakeConntrack; replyInvalid?: boolean } = {}): string[] | true {
  const ct = opts.ct ?? new FakeConntrack();
  const key = new CtKey();
  key.load(pkt, ct as unknown as Conntrack, opts.replyInvalid ?? true);
  const failed: string[] = [];
  const view = { pkt, ct: key, conntrack: ct as unknown as Conntrack };
  const m = compile(keys);
  const quick = m.check(view, null);
  const full = m.check(view, failed);
  expect(quick).toBe(full);
  return full ? true : failed;
}

describe('flower keys', () => {
  it('matches addresses by prefix and ports exactly or by range', () => {
    const pkt = packet({ src: ip('10.1.2.3'), dst: ip('192.168.1.7'), sport: 1234, dport: 8080 });
    const base: FlowerKeys = { ethType: ETH_P_IP, ipProto: IPPROTO_TCP };
    expect(check({ ...base, srcIp: { family: 4, addr: ip('10.0.0.0'), len: 8 }, dstIp: { family: 4, addr: ip('192.168.1.7'), len: 32 } }, pkt)).toBe(true);
    expect(check({ ...base, srcIp: { family: 4, addr: ip('10.2.0.0'), len: 16 } }, pkt)).toEqual(['src_ip']);
    expect(check({ ...base, dstPort: { min: 8080, max: 8080 }, srcPort: { min: 1000, max: 2000 } }, pkt)).toBe(true);
    expect(check({ ...base, dstPort: { min: 8081, max: 9000 }, srcPort: { min: 1235, max: 1235 } }, pkt)).toEqual(['dst_port', 'src_port']);
  });

  it('checks eth_type and ip_proto, and lists every failed key in print order', () => {
    const arp = packet({ ethType: ETH_P_ARP });
    expect(check({ ethType: ETH_P_IP, ipProto: IPPROTO_TCP, dstIp: { family: 4, addr: ip('10.0.0.2'), len: 32 } }, arp)).toEqual([
      'eth_type',
      'ip_proto',
      'dst_ip',
    ]);
    expect(check({ ethType: ETH_P_IP, ipProto: IPPROTO_UDP }, packet())).toEqual(['ip_proto']);
  });

  it('masks tcp_flags, ip_tos and ip_ttl', () => {
    const syn = packet({ tcpFlags: TCP_SYN, tos: 0x10, ttl: 64 });
    const base: FlowerKeys = { ethType: ETH_P_IP, ipProto: IPPROTO_TCP };
    expect(check({ ...base, tcpFlags: { value: TCP_SYN, mask: TCP_SYN | TCP_ACK } }, syn)).toBe(true);
    expect(check({ ...base, tcpFlags: { value: TCP_SYN, mask: TCP_SYN | TCP_ACK } }, packet({ tcpFlags: TCP_SYN | TCP_ACK }))).toEqual(['tcp_flags']);
    expect(check({ ...base, ipTos: { value: 0x13, mask: 0xfc }, ipTtl: { value: 64, mask: 0xff } }, syn)).toBe(true);
    expect(check({ ...base, ipTtl: { value: 1, mask: 0xff } }, syn)).toEqual(['ip_ttl']);
  });

  it('matches MAC addresses under a mask', () => {
    const pkt = packet({ dstMac: 0x0a0b0c0d0e0f, srcMac: 0x112233445566 });
    expect(check({ dstMac: { value: 0x0a0b0c000000, mask: 0xffffff000000 } }, pkt)).toBe(true);
    expect(check({ srcMac: { value: 0x112233445567, mask: 0xffffffffffff } }, pkt)).toEqual(['src_mac']);
  });

  it('matches indev against the receiving device', () => {
    expect(check({ indev: 'rep0' }, packet({}, 'rep0'))).toBe(true);
    expect(check({ indev: 'rep1' }, packet({}, 'rep0'))).toEqual(['indev']);
  });

  it('reads enc_* keys from the tunnel info; without one they are zero and never an IPv4 address', () => {
    const keys: FlowerKeys = {
      encKeyId: 1000,
      encSrcIp: { family: 4, addr: ip('172.168.152.208'), len: 32 },
      encDstIp: { family: 4, addr: ip('172.168.152.75'), len: 32 },
      encDstPort: 4789,
      encTos: { value: 0, mask: 0xff },
    };
    const tunnelled = packet();
    tunnelled.meta.tunnel = { id: 1000, src: ip('172.168.152.208'), dst: ip('172.168.152.75'), dstPort: 4789, tos: 0, ttl: 64 };
    expect(check(keys, tunnelled)).toBe(true);
    expect(check(keys, packet())).toEqual(['enc_dst_ip', 'enc_src_ip', 'enc_key_id', 'enc_dst_port']);
    expect(check({ encKeyId: 0 }, packet())).toBe(true);
  });

  it('matches ct_zone, ct_mark and ct_label of the packet\'s connection under masks', () => {
    const ct = new FakeConntrack();
    const pkt = packet();
    pkt.meta.ct = ct.add(2, 0xbb, [0x12312300, 0, 0, 1]);
    pkt.meta.ctinfo = CtInfo.ESTABLISHED;
    const keys: FlowerKeys = {
      ctZone: { value: 2, mask: 0xffff },
      ctMark: { value: 0xb0, mask: 0xf0 },
      ctLabel: { value: [0x12000000, 0, 0, 0], mask: [0xff000000, 0, 0, 0] },
    };
    expect(check(keys, pkt, { ct })).toBe(true);
    expect(check({ ctZone: { value: 3, mask: 0xffff }, ctMark: { value: 0xbc, mask: 0xffffffff } }, pkt, { ct })).toEqual(['ct_zone', 'ct_mark']);
    expect(check({ ctLabel: { value: [0, 0, 0, 1], mask: [0, 0, 0, 1] } }, pkt, { ct })).toBe(true);
    expect(check({ ctLabel: { value: [0, 0, 0, 0], mask: [0, 0, 0, 1] } }, pkt, { ct })).toEqual(['ct_label']);
  });
});

describe('flower ct_state', () => {
  const state = (value: number, mask: number): FlowerKeys => ({ ctState: { value, mask } });

  it('sees an untracked packet as ct_state 0, so -trk matches', () => {
    expect(check(state(0, TRK), packet())).toBe(true);
    expect(check(state(TRK, TRK), packet())).toEqual(['ct_state']);
  });

  it('maps ctinfo to trk/new/est/rel, with rpl on replies in current kernels only', () => {
    const ct = new FakeConntrack();
    const pkt = (ctinfo: CtInfo): Packet => {
      const p = packet();
      p.meta.ct = ct.add(0);
      p.meta.ctinfo = ctinfo;
      return p;
    };
    expect(packetCtState(pkt(CtInfo.NEW), true)).toBe(TRK | NEW);
    expect(packetCtState(pkt(CtInfo.ESTABLISHED), true)).toBe(TRK | EST);
    expect(packetCtState(pkt(CtInfo.ESTABLISHED_REPLY), true)).toBe(TRK | EST | RPL);
    expect(packetCtState(pkt(CtInfo.ESTABLISHED_REPLY), false)).toBe(TRK | EST);
    expect(packetCtState(pkt(CtInfo.RELATED_REPLY), true)).toBe(TRK | CT_FLAG_RELATED | RPL);
    // +trk+est is masked on trk|est only: it matches both directions.
    expect(check(state(TRK | EST, TRK | EST), pkt(CtInfo.ESTABLISHED_REPLY), { ct })).toBe(true);
    expect(check(state(TRK | EST, TRK | EST | RPL), pkt(CtInfo.ESTABLISHED_REPLY), { ct })).toEqual(['ct_state']);
    expect(check(state(TRK | EST, TRK | EST | RPL), pkt(CtInfo.ESTABLISHED_REPLY), { ct, replyInvalid: false })).toBe(true);
  });

  it('sees a packet a ct action found invalid as +trk+inv in that zone (current) or untracked (5.7)', () => {
    const p = packet();
    p.meta.postCt = true;
    p.meta.zone = 7;
    expect(packetCtState(p, true)).toBe(TRK | INV);
    expect(check({ ctState: { value: TRK | INV, mask: TRK | INV }, ctZone: { value: 7, mask: 0xffff } }, p)).toBe(true);
    expect(packetCtState(p, false)).toBe(0);
    expect(check(state(0, TRK), p, { replyInvalid: false })).toBe(true);
  });

  it('prints states in iproute2 order', () => {
    expect(ctStateString(0, TRK)).toBe('-trk');
    expect(ctStateString(TRK | EST, TRK | EST | RPL)).toBe('+trk+est-rpl');
    expect(ctStateString(TRK | NEW, TRK | NEW)).toBe('+trk+new');
    expect(ctStateString(TRK | EST | RPL)).toBe('+trk+est+rpl');
    expect(ctStateString(0)).toBe('-trk');
    expect(ctStateString(TRK | INV)).toBe('+trk+inv');
  });
});

describe('compileFlower', () => {
  it('drops keys the kernel ignores: IP keys without an IP eth_type, ports without TCP/UDP/SCTP', () => {
    const all = compile({ ipProto: IPPROTO_TCP, dstPort: { min: 80, max: 80 } }, ETH_P_ALL);
    expect(all.present).toBe(0);
    const icmp = compile({ ethType: ETH_P_IP, ipProto: IPPROTO_ICMP, dstPort: { min: 80, max: 80 } });
    expect(icmp.check({ pkt: packet({ proto: IPPROTO_ICMP, dport: 0 }), ct: new CtKey(), conntrack: null as unknown as Conntrack }, null)).toBe(true);
  });

  it('takes eth_type from the protocol when the keys do not carry it', () => {
    expect(compile({}, ETH_P_IP).ethType).toBe(ETH_P_IP);
  });

  it('refuses what fl_set_key refuses, with the kernel texts', () => {
    const err = (keys: FlowerKeys, validate = true, indevExists = true): FlowerMatch | string =>
      compileFlower({ keys, protocol: ETH_P_IP, indevExists, validateCtState: validate });
    expect(err({ indev: 'nosuch' }, true, false)).toBe('Network device not found');
    expect(err({ ipProto: IPPROTO_TCP, dstPort: { min: 90, max: 80 } })).toBe(
      'Invalid destination port range (min must be strictly smaller than max)',
    );
    expect(err({ ctState: { value: EST, mask: EST } })).toBe('no trk, so no other flag can be set');
    expect(err({ ctState: { value: TRK | NEW | EST, mask: TRK | NEW | EST } })).toBe('new and est are mutually exclusive');
    expect(err({ ctState: { value: TRK | INV | RPL, mask: TRK | INV | RPL } })).toBe('when inv is set, only trk may be set');
    expect(err({ ctState: { value: TRK | NEW | RPL, mask: TRK | NEW | RPL } })).toBe('new and rpl are mutually exclusive');
    // 5.7 had no fl_validate_ct_state.
    expect(err({ ctState: { value: EST, mask: EST } }, false)).toBeInstanceOf(FlowerMatch);
  });

  it('gives filters with the same keys but other values the same mask and different masked keys', () => {
    const a = compile({ ipProto: IPPROTO_TCP, dstIp: { family: 4, addr: ip('10.1.2.3'), len: 8 } });
    const b = compile({ ipProto: IPPROTO_TCP, dstIp: { family: 4, addr: ip('10.9.9.9'), len: 8 } });
    const c = compile({ ipProto: IPPROTO_TCP, dstIp: { family: 4, addr: ip('11.0.0.0'), len: 8 } });
    const d = compile({ ipProto: IPPROTO_TCP, dstIp: { family: 4, addr: ip('10.0.0.0'), len: 16 } });
    expect(a.maskSig).toBe(c.maskSig);
    expect(a.keySig).toBe(b.keySig);
    expect(a.keySig).not.toBe(c.keySig);
    expect(a.maskSig).not.toBe(d.maskSig);
  });
});
