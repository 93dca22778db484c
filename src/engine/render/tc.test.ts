import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../model/addr';
import { IPPROTO_UDP } from '../model/packet';
import { Tc } from '../tc/tc';
import { packet, tcOk, testHost, type TestHost } from '../tc/test-host';

function setup(profile: '5.7' | '6.12' = '5.7'): { t: TestHost; tc: Tc } {
  const t = testHost(profile);
  const tc = new Tc(t.host);
  tcOk(tc, 'tc qdisc add dev rep0 ingress');
  return { t, tc };
}

describe('tc filter show', () => {
  it('prints the GRE/ct capture of kernel-facts §b.4 (on our device, with current enc_tos formatting)', () => {
    const { tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress pref 2 protocol ip flower dst_ip 1.1.1.7 enc_dst_ip 172.168.152.75 enc_src_ip 172.168.152.208 enc_key_id 1000 enc_tos 0 ct_state -trk action ct zone 1 nat pipe action goto chain 1',
    );
    expect(tcOk(tc, 'tc filter show dev rep0 ingress')).toBe(
      'filter protocol ip pref 2 flower chain 0 \n' +
        'filter protocol ip pref 2 flower chain 0 handle 0x1 \n' +
        '  eth_type ipv4\n' +
        '  dst_ip 1.1.1.7\n' +
        '  enc_dst_ip 172.168.152.75\n' +
        '  enc_src_ip 172.168.152.208\n' +
        '  enc_key_id 1000\n' +
        '  enc_tos 0\n' +
        '  ct_state -trk\n' +
        '  not_in_hw\n' +
        '\taction order 1: ct zone 1 nat pipe\n' +
        '\t index 1 ref 1 bind 1\n' +
        '\n' +
        '\taction order 2: gact action goto chain 1\n' +
        '\t random type none pass val 0\n' +
        '\t index 1 ref 1 bind 1\n' +
        '\n',
    );
  });

  it('prints the skip_sw/helper capture, with used_hw_stats only in current kernels', () => {
    for (const profile of ['5.7', '6.12'] as const) {
      const { t, tc } = setup(profile);
      t.nic = { inHwCount: 1 };
      tcOk(tc, 'tc actions add action drop', 'tc filter add dev rep0 ingress protocol ip flower ip_proto tcp dst_port 21 ct_state -trk skip_sw action ct helper ipv4-tcp-ftp');
      expect(tcOk(tc, 'tc filter show dev rep0 ingress')).toBe(
        'filter protocol ip pref 49152 flower chain 0 \n' +
          'filter protocol ip pref 49152 flower chain 0 handle 0x1 \n' +
          '  eth_type ipv4\n' +
          '  ip_proto tcp\n' +
          '  dst_port 21\n' +
          '  ct_state -trk\n' +
          '  skip_sw\n' +
          '  in_hw in_hw_count 1\n' +
          '\taction order 1: ct zone 0 helper ipv4-tcp-ftp pipe\n' +
          '\t index 1 ref 1 bind 1\n' +
          (profile === '6.12' ? '\tused_hw_stats delayed\n' : '') +
          '\n',
      );
    }
  });

  it('prints every key in flower order with masks as iproute2 does', () => {
    const { tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress pref 7 handle 0x1f protocol ip flower indev rep0 dst_mac 02:00:00:00:00:02 src_mac 02:00:00:00:00:00/24 ip_proto tcp ip_tos 0x10/0xf0 ip_ttl 64 dst_ip 10.0.0.0/8 src_ip 10.0.0.1/16 dst_port 80-90 src_port 1234 tcp_flags 0x2/0x12 ct_state +trk+est-rpl ct_zone 3 ct_mark 0x10/0xf0 ct_label 1234 skip_hw action pass',
    );
    expect(tcOk(tc, 'tc filter show dev rep0 ingress')).toBe(
      'filter protocol ip pref 7 flower chain 0 \n' +
        'filter protocol ip pref 7 flower chain 0 handle 0x1f \n' +
        '  indev rep0\n' +
        '  dst_mac 02:00:00:00:00:02\n' +
        '  src_mac 02:00:00:00:00:00/24\n' +
        '  eth_type ipv4\n' +
        '  ip_proto tcp\n' +
        '  ip_tos 16/0xf0\n' +
        '  ip_ttl 64\n' +
        '  dst_ip 10.0.0.0/8\n' +
        '  src_ip 10.0.0.1/16\n' +
        '  dst_port 80-90\n' +
        '  src_port 1234\n' +
        '  tcp_flags 0x2/12\n' +
        '  ct_state +trk+est-rpl\n' +
        '  ct_zone 3\n' +
        '  ct_mark 16/0xf0\n' +
        '  ct_label 12340000000000000000000000000000\n' +
        '  skip_hw\n' +
        '  not_in_hw\n' +
        '\taction order 1: gact action pass\n' +
        '\t random type none pass val 0\n' +
        '\t index 1 ref 1 bind 1\n' +
        '\n',
    );
  });

  it('orders prios ascending and chains as created; `chain N` leaves the chain out of the header', () => {
    const { tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress chain 3 pref 1 protocol ip flower action drop',
      'tc filter add dev rep0 ingress chain 0 pref 9 protocol ip flower action goto chain 3',
      'tc filter add dev rep0 ingress chain 0 pref 2 protocol all flower action pass',
    );
    const heads = tcOk(tc, 'tc filter show dev rep0 ingress')
      .split('\n')
      .filter((l) => l.startsWith('filter') && !l.includes('handle'));
    expect(heads).toEqual(['filter protocol ip pref 1 flower chain 3 ', 'filter protocol all pref 2 flower chain 0 ', 'filter protocol ip pref 9 flower chain 0 ']);
    expect(tcOk(tc, 'tc filter show dev rep0 ingress chain 3').split('\n')[0]).toBe('filter protocol ip pref 1 flower ');
    expect(tcOk(tc, 'tc filter show dev rep0 ingress chain 5')).toBe('');
  });

  it('names the ingress qdisc\'s block as parent when asked for egress', () => {
    const { tc } = setup();
    tcOk(tc, 'tc filter add dev rep0 ingress pref 1 protocol ip flower action drop');
    expect(tcOk(tc, 'tc filter show dev rep0 egress').split('\n')[0]).toBe('filter ingress protocol ip pref 1 flower chain 0 ');
    expect(tcOk(tc, 'tc filter show dev rep1 ingress')).toBe('');
  });

  it('prints mirred, tunnel_key, pedit and csum actions', () => {
    const { tc } = setup();
    tcOk(
      tc,
      'tc filter add dev rep0 ingress protocol ip flower action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 42 dst_port 4789 action pedit ex munge tcp dport set 5001 pipe action csum iph tcp pipe action mirred egress redirect dev uplink',
    );
    const out = tcOk(tc, 'tc filter show dev rep0 ingress');
    expect(out.slice(out.indexOf('\taction order 1'))).toBe(
      '\taction order 1: tunnel_key  set\n' +
        '\tsrc_ip 10.0.0.1\n' +
        '\tdst_ip 10.0.0.2\n' +
        '\tkey_id 42\n' +
        '\tdst_port 4789\n' +
        '\tcsum pipe\n' +
        '\t index 1 ref 1 bind 1\n' +
        '\n' +
        '\taction order 2:  pedit action pipe keys 1\n' +
        ' \t index 1 ref 1 bind 1\n' +
        '\t key #0  at tcp+0: val 00001389 mask ffff0000\n' +
        '\n' +
        '\taction order 3: csum (iph, tcp) action pipe\n' +
        '\tindex 1 ref 1 bind 1\n' +
        '\n' +
        '\taction order 4: mirred (Egress Redirect to device uplink) stolen\n' +
        '\tindex 1 ref 1 bind 1\n' +
        '\n',
    );
  });
});

describe('tc -s filter show', () => {
  it('adds times and statistics; the software/hardware split appears once hardware counted', () => {
    const { t, tc } = setup();
    t.nic = { inHwCount: 1 };
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action mirred egress redirect dev rep1');
    t.env.clock.advanceTo(3_000_000);
    const pkt = packet({ proto: IPPROTO_UDP, dst: parseIpv4('10.0.0.9')!, payloadLen: 72 });
    tc.classify(pkt, 'rep0', 'ingress', 'sw');
    t.env.clock.advanceTo(380_000_000);
    let out = tcOk(tc, 'tc -s filter show dev rep0 ingress');
    expect(out.slice(out.indexOf('\taction'))).toBe(
      '\taction order 1: mirred (Egress Redirect to device rep1) stolen\n' +
        '\tindex 1 ref 1 bind 1 installed 380 sec used 377 sec firstused 377 sec\n' +
        '\tAction statistics:\n' +
        '\tSent 100 bytes 1 pkt (dropped 0, overlimits 0 requeues 0) \n' +
        '\tbacklog 0b 0p requeues 0\n' +
        '\n',
    );
    tc.classify(pkt, 'rep0', 'ingress', 'hw');
    out = tcOk(tc, 'tc -s filter show dev rep0 ingress');
    expect(out.slice(out.indexOf('\tAction'))).toBe(
      '\tAction statistics:\n' +
        '\tSent 214 bytes 2 pkt (dropped 0, overlimits 0 requeues 0) \n' +
        '\tSent software 100 bytes 1 pkt\n' +
        '\tSent hardware 114 bytes 1 pkt\n' +
        '\tbacklog 0b 0p requeues 0\n' +
        '\n',
    );
  });

  it('counts drops of a gact drop and overlimits of a mirred without target', () => {
    const { tc } = setup();
    tcOk(tc, 'tc filter add dev rep0 ingress protocol ip flower action drop');
    tc.classify(packet(), 'rep0', 'ingress', 'sw');
    const out = tcOk(tc, 'tc -s filter show dev rep0 ingress');
    expect(out).toContain('\tSent 40 bytes 1 pkt (dropped 1, overlimits 0 requeues 0) \n');
  });
});

describe('tc actions ls', () => {
  it('lists a kind from order 0 with plain counts; current kernels add not_in_hw', () => {
    for (const profile of ['5.7', '6.12'] as const) {
      const { tc } = setup(profile);
      tcOk(tc, 'tc actions add action ct zone 5 index 3', 'tc actions add action ct commit mark 0x42/0xff zone 2', 'tc filter add dev rep0 ingress protocol ip flower action ct index 3');
      const inHw = profile === '6.12' ? '\tnot_in_hw\n' : '';
      expect(tcOk(tc, 'tc actions ls action ct')).toBe(
        'total acts 2\n' +
          '\n' +
          '\taction order 0: ct commit mark 66/0xff zone 2 pipe\n' +
          '\t index 1 ref 1 bind 0\n' +
          inHw +
          '\n' +
          '\taction order 1: ct zone 5 pipe\n' +
          '\t index 3 ref 2 bind 1\n' +
          inHw,
      );
      expect(tcOk(tc, 'tc actions ls action mirred')).toBe('');
    }
  });

  it('with -s prints the times and statistics of each', () => {
    const { t, tc } = setup();
    tcOk(tc, 'tc actions add action ct clear');
    t.env.clock.advanceTo(2_500_000);
    expect(tcOk(tc, 'tc -s actions ls action ct')).toBe(
      'total acts 1\n' +
        '\n' +
        '\taction order 0: ct clear pipe\n' +
        '\t index 1 ref 1 bind 0 installed 2 sec used 2 sec\n' +
        '\tAction statistics:\n' +
        '\tSent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n' +
        '\tbacklog 0b 0p requeues 0\n',
    );
  });
});
