import { describe, expect, it } from 'vitest';
import { CT_FLAG_ESTABLISHED, CT_FLAG_INVALID, CT_FLAG_NEW, CT_FLAG_RELATED, CT_FLAG_REPLY, CT_FLAG_TRACKED } from './ast';
import { parseIpv4 } from '../model/addr';
import { parseIpv6 } from '../model/addr6';
import { colOf, errorAt, filterOf, parseError } from './test-support';

const HEAD = 'tc filter add dev eth0 ingress protocol ip flower';
const keysOf = (keys: string) => filterOf(`${HEAD} ${keys}`).keys;
const errorOf = (keys: string) => parseError(`${HEAD} ${keys}`);
const at = (keys: string, needle: string, message: string, nth = 1) => errorAt(`${HEAD} ${keys}`, needle, message, nth);
const ALL = 0xffffffff;

describe('flower ct keys', () => {
  it('reads ct_state flags: + sets key and mask, - only the mask', () => {
    expect(keysOf('ct_state +trk+est-rpl').ctState).toEqual({
      value: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED,
      mask: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED | CT_FLAG_REPLY,
    });
    expect(keysOf('ct_state -trk').ctState).toEqual({ value: 0, mask: CT_FLAG_TRACKED });
  });

  it('reads cleared flags into the mask only, so they need no trk', () => {
    expect(keysOf('ct_state -trk-est').ctState).toEqual({ value: 0, mask: CT_FLAG_TRACKED | CT_FLAG_ESTABLISHED });
    expect(keysOf('ct_state -new').ctState).toEqual({ value: 0, mask: CT_FLAG_NEW });
    expect(keysOf('ct_state +trk+inv-new').ctState).toEqual({ value: CT_FLAG_TRACKED | CT_FLAG_INVALID, mask: CT_FLAG_TRACKED | CT_FLAG_INVALID | CT_FLAG_NEW });
    expect(keysOf('ct_state +trk+rel+rpl').ctState).toEqual({ value: CT_FLAG_TRACKED | CT_FLAG_RELATED | CT_FLAG_REPLY, mask: CT_FLAG_TRACKED | CT_FLAG_RELATED | CT_FLAG_REPLY });
  });

  // Like iproute2, the parser checks only the syntax: fl_validate_ct_state is the kernel's (5.12+),
  // so tc applies it per profile and points its refusal at the span recorded here.
  it.each([
    ['ct_state +est', CT_FLAG_ESTABLISHED],
    ['ct_state -trk+new', CT_FLAG_NEW],
    ['ct_state +trk+new+est', CT_FLAG_TRACKED | CT_FLAG_NEW | CT_FLAG_ESTABLISHED],
    ['ct_state +trk+inv+est', CT_FLAG_TRACKED | CT_FLAG_INVALID | CT_FLAG_ESTABLISHED],
    ['ct_state +trk+new+rpl', CT_FLAG_TRACKED | CT_FLAG_NEW | CT_FLAG_REPLY],
  ])('leaves %s to the kernel and records where its value is', (keys, value) => {
    const text = `${HEAD} ${keys} action drop`;
    const f = filterOf(text);
    expect(f.keys.ctState?.value).toBe(value);
    const state = keys.slice('ct_state '.length);
    const col = colOf(text, state);
    expect(f.ctStateSpan).toEqual({ line: 1, col, end: col + state.length });
  });

  it('records no ct_state span without a ct_state key', () => {
    expect(filterOf(`${HEAD} ct_zone 1`)).not.toHaveProperty('ctStateSpan');
  });

  it('points at an unknown flag inside the word', () => {
    expect(errorOf('ct_state +trk+foo-est')).toEqual(at('ct_state +trk+foo-est', '+foo', 'unknown ct_state flag "+foo": use trk, new, est, rel, inv or rpl'));
    expect(errorOf('ct_state trk')).toEqual(at('ct_state trk', 'trk', 'Illegal "ct_state": expected +flag or -flag at "trk"'));
  });

  it('reads masked ct_zone and ct_mark with get_u32 base 0 (0x hex, leading-0 octal)', () => {
    expect(keysOf('ct_zone 0x10/0xff ct_mark 010')).toMatchObject({ ctZone: { value: 16, mask: 0xff }, ctMark: { value: 8, mask: ALL } });
    expect(errorOf('ct_zone 70000')).toEqual(at('ct_zone 70000', '70000', 'invalid ct_zone "70000": must be 0-65535'));
    expect(errorOf('ct_mark 1/0xg')).toEqual(at('ct_mark 1/0xg', '0xg', 'invalid ct_mark mask "0xg": expected a number'));
  });

  it('left-aligns ct_label hex into 16 bytes; without a mask every bit counts', () => {
    expect(keysOf('ct_label 1234').ctLabel).toEqual({ value: [0x12340000, 0, 0, 0], mask: [ALL, ALL, ALL, ALL] });
    expect(keysOf('ct_label 00000000000000000000000000000001/ff00').ctLabel).toEqual({ value: [0, 0, 0, 1], mask: [0xff000000, 0, 0, 0] });
    // hex2mem reads len/2 bytes, so an odd last digit is dropped as iproute2 drops it.
    expect(keysOf('ct_label 123').ctLabel?.value).toEqual([0x12000000, 0, 0, 0]);
    const long = '1'.repeat(33);
    expect(errorOf(`ct_label ${long}`)).toEqual(at(`ct_label ${long}`, long, `invalid ct_label "${long}": at most 32 hex digits`));
    expect(errorOf('ct_label 0x12')).toEqual(at('ct_label 0x12', '0x12', 'invalid ct_label "0x12": expected hex digits'));
  });
});

describe('flower L2-L4 keys', () => {
  it('reads MAC addresses with a mask or a prefix length, and indev', () => {
    expect(keysOf('src_mac 02:00:00:00:00:01/ff:ff:ff:00:00:00 dst_mac 02:00:00:00:00:00/8 indev rep0')).toEqual({
      ethType: 0x0800,
      srcMac: { value: 0x020000000001, mask: 0xffffff000000 },
      dstMac: { value: 0x020000000000, mask: 0xff0000000000 },
      indev: 'rep0',
    });
    expect(errorOf('dst_mac 02:00')).toEqual(at('dst_mac 02:00', '02:00', 'invalid dst_mac "02:00": expected a MAC address'));
  });

  it('reads ip_proto names, and numbers in hex as flower_parse_ip_proto does', () => {
    expect(keysOf('ip_proto udp').ipProto).toBe(17);
    expect(keysOf('ip_proto icmp').ipProto).toBe(1);
    expect(keysOf('ip_proto 11').ipProto).toBe(0x11);
    expect(keysOf('ip_proto t').ipProto).toBe(6);
  });

  it('reads IPv4 prefixes, also with a dotted netmask', () => {
    expect(keysOf('src_ip 10.0.0.0/8 dst_ip 192.168.1.0/255.255.255.0')).toMatchObject({
      srcIp: { family: 4, addr: parseIpv4('10.0.0.0'), len: 8 },
      dstIp: { family: 4, addr: parseIpv4('192.168.1.0'), len: 24 },
    });
    expect(errorOf('dst_ip 1.2.3.4/33')).toEqual(at('dst_ip 1.2.3.4/33', '/33', 'invalid prefix length "/33"'));
    expect(errorOf('dst_ip 1.2.3')).toEqual(at('dst_ip 1.2.3', '1.2.3', 'invalid dst_ip "1.2.3": expected an IPv4 address'));
    expect(errorOf('dst_ip fe80::1')).toEqual(at('dst_ip fe80::1', 'fe80', 'Illegal "dst_ip": "protocol ip" needs an IPv4 address'));
  });

  it('reads IPv6 prefixes with protocol ipv6', () => {
    const f = filterOf('tc filter add dev eth0 ingress protocol ipv6 flower src_ip 2001:db8::/32 dst_ip 2001:db8::1 ip_proto icmpv6');
    expect(f.keys.srcIp).toEqual({ family: 6, addr: parseIpv6('2001:db8::'), len: 32 });
    expect(f.keys.dstIp).toEqual({ family: 6, addr: parseIpv6('2001:db8::1'), len: 128 });
    const tunnel = 'tc filter add dev eth0 ingress protocol ipv6 flower enc_dst_ip 2001:db8::1';
    expect(parseError(tunnel)).toEqual(errorAt(tunnel, '2001:db8::1', 'tunnels over IPv6 are not supported by the simulator: "2001:db8::1"'));
    const long = 'tc filter add dev eth0 ingress protocol ipv6 flower dst_ip 2001:db8::/129';
    expect(parseError(long)).toEqual(errorAt(long, '/129', 'invalid prefix length "/129"'));
  });

  it('reads single ports and ranges after ip_proto', () => {
    expect(keysOf('ip_proto tcp src_port 1024-65535 dst_port 22')).toMatchObject({ srcPort: { min: 1024, max: 65535 }, dstPort: { min: 22, max: 22 } });
    expect(keysOf('ip_proto sctp dst_port 5000').dstPort).toEqual({ min: 5000, max: 5000 });
  });

  it('rejects ports flower cannot match', () => {
    expect(errorOf('ip_proto tcp dst_port 70000')).toEqual(at('ip_proto tcp dst_port 70000', '70000', 'invalid dst_port "70000": must be 1-65535'));
    const zero = `${HEAD} ip_proto tcp dst_port 0`;
    expect(parseError(zero)).toEqual({ line: 1, col: zero.length, message: 'invalid dst_port "0": must be 1-65535' });
    const range = at('ip_proto udp src_port 20-10', '20-10', 'max value should be greater than min value');
    expect(errorOf('ip_proto udp src_port 20-10')).toEqual({ ...range, col: range.col + 3 });
    expect(errorOf('ip_proto udp src_port 80/0xff00')).toEqual(at('ip_proto udp src_port 80/0xff00', '80/', 'masked ports ("80/0xff00") are not supported by the simulator'));
    expect(errorOf('dst_port 80 ip_proto tcp')).toEqual(at('dst_port 80 ip_proto tcp', 'dst_port', 'Illegal "dst_port": put "ip_proto tcp", "udp" or "sctp" before it'));
    expect(errorOf('ip_proto icmp dst_port 80')).toEqual(at('ip_proto icmp dst_port 80', 'dst_port', 'Illegal "dst_port": put "ip_proto tcp", "udp" or "sctp" before it'));
  });

  it('reads tcp_flags in hex and tos/ttl in decimal, else hex, with hex masks', () => {
    expect(keysOf('ip_proto tcp tcp_flags 12/17 ip_tos 16 ip_ttl 0x40/f0')).toMatchObject({
      tcpFlags: { value: 0x12, mask: 0x17 },
      ipTos: { value: 16, mask: 0xff },
      ipTtl: { value: 0x40, mask: 0xf0 },
    });
    expect(keysOf('tcp_flags 0x2').tcpFlags).toEqual({ value: 2, mask: 0xfff });
    expect(keysOf('ip_tos 1f').ipTos).toEqual({ value: 0x1f, mask: 0xff });
    expect(errorOf('tcp_flags 0x1000')).toEqual(at('tcp_flags 0x1000', '0x1000', 'invalid tcp_flags "0x1000": must be 0-4095'));
  });

  it('reads tunnel metadata keys', () => {
    expect(keysOf('enc_key_id 100 enc_dst_port 4789 enc_ttl 64 enc_src_ip 10.1.0.0/16')).toMatchObject({
      encKeyId: 100,
      encDstPort: 4789,
      encTtl: { value: 64, mask: 0xff },
      encSrcIp: { family: 4, addr: parseIpv4('10.1.0.0'), len: 16 },
    });
  });

  it('sets skip_hw, skip_sw and verbose, but not both skips', () => {
    expect(filterOf(`${HEAD} skip_sw verbose`)).toMatchObject({ skipSw: true, skipHw: false, verbose: true });
    expect(errorOf('skip_hw skip_sw')).toEqual(at('skip_hw skip_sw', 'skip_sw', 'skip_hw and skip_sw are mutually exclusive'));
  });

  it('resolves abbreviations in flower_parse_opt order', () => {
    expect(keysOf('ct_st +trk ip_p tcp dst_p 80 src 02:00:00:00:00:01')).toMatchObject({
      ctState: { value: CT_FLAG_TRACKED, mask: CT_FLAG_TRACKED },
      ipProto: 6,
      dstPort: { min: 80, max: 80 },
      srcMac: { value: 0x020000000001 },
    });
  });
});

describe('flower keys and the filter protocol', () => {
  it('needs protocol ip for ip_proto and addresses (the default is all)', () => {
    const noProto = 'tc filter add dev eth0 ingress flower ip_proto tcp';
    expect(parseError(noProto)).toEqual(errorAt(noProto, 'ip_proto', 'Illegal "eth_type" for ip proto: put "protocol ip" before "flower"'));
    const arp = 'tc filter add dev eth0 ingress protocol arp flower dst_ip 1.1.1.1';
    expect(parseError(arp)).toEqual(errorAt(arp, 'dst_ip', 'Illegal "dst_ip": IP address matches need "protocol ip" or "protocol ipv6" before "flower"'));
    const v6 = 'tc filter add dev eth0 ingress protocol ipv6 flower src_ip 1.1.1.1';
    expect(parseError(v6)).toEqual(errorAt(v6, '1.1.1.1', 'Illegal "src_ip": "protocol ipv6" needs an IPv6 address'));
    const icmp = 'tc filter add dev eth0 ingress protocol ipv6 flower ip_proto icmp';
    expect(parseError(icmp)).toEqual(errorAt(icmp, 'ip_proto', 'Illegal "eth_type" for ip proto: put "protocol ip" before "flower"'));
  });

  it('takes addresses without a protocol on change, which sends no ethertype', () => {
    expect(filterOf('tc filter change dev eth0 ingress pref 1 handle 1 flower dst_ip 1.1.1.1').keys).toEqual({ dstIp: { family: 4, addr: parseIpv4('1.1.1.1'), len: 32 } });
  });
});

describe('flower errors', () => {
  it('asks "What is" for an unknown key, with a hint for eth_type', () => {
    expect(errorOf('foo 1')).toEqual(at('foo 1', 'foo', 'What is "foo"?'));
    expect(errorOf('eth_type ipv4')).toEqual(at('eth_type ipv4', 'eth_type', 'What is "eth_type"?: flower takes the ethertype from "protocol" (e.g. "protocol ip")'));
  });

  it('names real flower keys the simulator does not model', () => {
    expect(errorOf('vlan_id 10')).toEqual(at('vlan_id 10', 'vlan_id', 'flower key "vlan_id" is not supported by the simulator'));
    expect(errorOf('ip_proto icmp type 8')).toEqual(at('ip_proto icmp type 8', 'type', 'flower key "type" is not supported by the simulator'));
  });

  it('reports a duplicate key and a missing value at the keyword', () => {
    expect(errorOf('ct_zone 1 ct_zone 2')).toEqual(at('ct_zone 1 ct_zone 2', 'ct_zone', 'duplicate "ct_zone"', 2));
    expect(errorOf('ct_state +trk ct_zone')).toEqual(at('ct_state +trk ct_zone', 'ct_zone', 'missing argument after "ct_zone"'));
  });
});
