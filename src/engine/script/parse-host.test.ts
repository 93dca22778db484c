import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../model/addr';
import { parseScript } from './parse';
import { VXLAN_KERNEL_DEFAULT_PORT } from './parse-host';
import { MAX_WAIT_SECONDS } from './parse-packet';
import { errorAt, parseError, parseOne, withoutSpans } from './test-support';

const parsed = (text: string) => withoutSpans(parseOne(text));
const rejects = (text: string, needle: string, message: string, nth = 1) => expect(parseError(text)).toEqual(errorAt(text, needle, message, nth));

describe('ip link', () => {
  it('adds VXLAN devices with a VNI or in external (collect-metadata) mode', () => {
    expect(parsed('ip link add vxlan0 type vxlan id 42 dstport 4789 local 10.0.0.1 remote 10.0.0.2')).toEqual({
      kind: 'ip.link.add', name: { value: 'vxlan0' }, type: 'vxlan', vni: 42, external: false, dstPort: 4789, local: parseIpv4('10.0.0.1'), remote: parseIpv4('10.0.0.2'),
    });
    expect(parsed('ip link add name vxlan_sys_4789 type vxlan external dstport 4789')).toEqual({ kind: 'ip.link.add', name: { value: 'vxlan_sys_4789' }, type: 'vxlan', external: true, dstPort: 4789 });
  });

  it(`uses the kernel's port ${VXLAN_KERNEL_DEFAULT_PORT} without dstport (or with dstport 0)`, () => {
    expect(parsed('ip link add dev vx type vxlan vni 7')).toMatchObject({ vni: 7, dstPort: VXLAN_KERNEL_DEFAULT_PORT });
    expect(parsed('ip link add vx type vxlan id 7 dstport 0')).toMatchObject({ dstPort: VXLAN_KERNEL_DEFAULT_PORT });
  });

  it('adds veth pairs and dummies, and deletes links', () => {
    expect(parsed('ip link add vm1 type veth peer name rep1')).toEqual({ kind: 'ip.link.add', name: { value: 'vm1' }, type: 'veth', peer: { value: 'rep1' } });
    expect(parsed('ip l a vm2 type veth peer rep2')).toMatchObject({ peer: { value: 'rep2' } });
    expect(parsed('ip link add d0 type dummy')).toEqual({ kind: 'ip.link.add', name: { value: 'd0' }, type: 'dummy' });
    expect(parsed('ip link del vm1')).toEqual({ kind: 'ip.link.del', name: { value: 'vm1' } });
    expect(parsed('ip link delete dev vm1')).toEqual({ kind: 'ip.link.del', name: { value: 'vm1' } });
  });

  it.each([
    ['ip link add vx type vxlan dstport 4789', 'vxlan', 'vxlan: missing virtual network identifier (add "id VNI" or "external")'],
    ['ip link add vx type vxlan id 1 external', 'vxlan', "vxlan: both 'external' and vni cannot be specified"],
    ['ip link add vx type vxlan id 16777216', '16777216', 'invalid id "16777216": must be 0-16777215'],
    ['ip link add vx type vxlan id 1 group 239.1.1.1', 'group', 'vxlan "group" is not supported by the simulator'],
    ['ip link add vx type vxlan id 1 frob', 'frob', 'vxlan: unknown command "frob"?'],
    ['ip link add br0 type bridge', 'bridge', 'link type "bridge" is not supported by the simulator: use vxlan, veth or dummy'],
    ['ip link add vm1 type veth', 'veth', 'veth needs "peer name PEER"'],
    ['ip link add vm1 mtu 9000 type dummy', 'mtu', 'ip link "mtu" is not supported by the simulator'],
    ['ip link add a b type dummy', 'b', 'Error: either "dev" is duplicate, or "b" is a garbage.'],
    ['ip link add type dummy', 'add', 'missing device name'],
    ['ip link add d0', 'add', 'missing "type" (vxlan, veth or dummy)'],
    ['ip link set dev eth0 up', 'set', '"ip link set" is not supported by the simulator (devices are always up)'],
    ['ip addr add 1.1.1.1/24 dev eth0', 'addr', '"ip address" is not supported by the simulator'],
    ['ip -d link show', '-d', 'ip option "-d" is not supported by the simulator'],
    ['ip link del', 'del', 'missing argument after "del"'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});

describe('ethtool', () => {
  it('turns hw-tc-offload on and off', () => {
    expect(parsed('ethtool -K uplink hw-tc-offload on')).toEqual({ kind: 'ethtool.feature', dev: { value: 'uplink' }, feature: 'hw-tc-offload', on: true });
    expect(parsed('ethtool --features uplink hw-tc-offload off')).toMatchObject({ on: false });
  });

  it.each([
    ['ethtool -k uplink', '-k', 'ethtool "-k" is not supported by the simulator: use ethtool -K DEV hw-tc-offload on|off'],
    ['ethtool -K uplink gro off', 'gro', 'feature "gro" is not supported by the simulator: only hw-tc-offload'],
    ['ethtool -K uplink hw-tc-offload yes', 'yes', 'invalid value "yes": expected on or off'],
    ['ethtool -K uplink', '-K', 'missing feature: hw-tc-offload on|off'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});

describe('sysctl and echo', () => {
  it('sets sysctls, one command per assignment, with the spans of key and value', () => {
    const r = parseScript('sysctl -w net.netfilter.nf_conntrack_acct=1 -q net/netfilter/nf_conntrack_max=10');
    expect(r).toEqual({
      ok: true,
      commands: [
        { kind: 'sysctl', key: { value: 'net.netfilter.nf_conntrack_acct', span: { line: 1, col: 11, end: 42 } }, value: { value: '1', span: { line: 1, col: 43, end: 44 } }, span: { line: 1, col: 1, end: 7 } },
        { kind: 'sysctl', key: { value: 'net/netfilter/nf_conntrack_max', span: { line: 1, col: 48, end: 78 } }, value: { value: '10', span: { line: 1, col: 79, end: 81 } }, span: { line: 1, col: 1, end: 7 } },
      ],
    });
  });

  it('turns echo V > /proc/sys/KEY into a sysctl and prints other echo text', () => {
    expect(parsed('echo 0 > /proc/sys/net/netfilter/nf_conntrack_checksum')).toEqual({ kind: 'sysctl', key: { value: 'net.netfilter.nf_conntrack_checksum' }, value: { value: '0' } });
    expect(parsed(`echo "step  1:" 'a b'c   done`)).toEqual({ kind: 'echo', text: 'step  1: a bc done' });
    expect(parsed('echo')).toEqual({ kind: 'echo', text: '' });
  });

  it.each([
    ['sysctl net.netfilter.nf_conntrack_acct', 'net', 'expected KEY=VALUE, got "net.netfilter.nf_conntrack_acct" (reading sysctls is not supported by the simulator)'],
    ['sysctl -w', 'sysctl', 'missing KEY=VALUE'],
    ['sysctl -p', '-p', 'sysctl option "-p" is not supported by the simulator'],
    ['echo 1 > /tmp/x', '/tmp/x', 'redirection to "/tmp/x" is not supported: only /proc/sys/… (a sysctl)'],
    ['echo 1 2 > /proc/sys/net/netfilter/nf_conntrack_acct', '2', 'expected one value before ">"'],
    ['echo 1 > /proc/sys/a extra', 'extra', 'unexpected "extra"'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});

describe('cat', () => {
  it('reads /proc/net/nf_conntrack only', () => {
    expect(parsed('cat /proc/net/nf_conntrack')).toEqual({ kind: 'proc.conntrack' });
    rejects('cat /proc/net/nf_conntrack_expect', '/proc', 'cat "/proc/net/nf_conntrack_expect" is not supported by the simulator: only /proc/net/nf_conntrack');
  });
});

describe('sleep and sim', () => {
  it('sleeps fractional seconds up to ten years', () => {
    expect(parsed('sleep 1.5')).toEqual({ kind: 'sleep', seconds: 1.5 });
    expect(parsed('sleep .000001')).toEqual({ kind: 'sleep', seconds: 0.000001 });
    expect(parsed(`sleep ${MAX_WAIT_SECONDS}`)).toEqual({ kind: 'sleep', seconds: MAX_WAIT_SECONDS });
    rejects(`sleep ${MAX_WAIT_SECONDS + 1}`, `${MAX_WAIT_SECONDS + 1}`, `invalid sleep "${MAX_WAIT_SECONDS + 1}": at most ${MAX_WAIT_SECONDS} seconds`);
    rejects('sleep 1e3', '1e3', 'invalid sleep "1e3": expected seconds, e.g. 1.5');
    rejects('sleep 1 2', '2', 'unexpected "2"');
  });

  it('sets simulator keys, checking the seed and the kernel profile', () => {
    expect(parseOne('sim seed 42')).toEqual({ kind: 'sim.set', key: { value: 'seed', span: { line: 1, col: 5, end: 9 } }, value: { value: '42', span: { line: 1, col: 10, end: 12 } }, span: { line: 1, col: 1, end: 4 } });
    expect(parsed('sim profile 6.12')).toMatchObject({ value: { value: '6.12' } });
    expect(parsed('sim nic.ct_table_size 65536')).toMatchObject({ key: { value: 'nic.ct_table_size' } });
    rejects('sim seed -1', '-1', 'invalid seed "-1": expected a number');
    rejects('sim profile 5.10', '5.10', 'unknown kernel profile "5.10": use 5.7, 5.8, 6.12 (the kernel to imitate; 5.8, the talk\'s, is the default)');
    rejects('sim seed', 'seed', 'missing argument after "seed"');
  });
});
