/**
 * `tc -j` / `tc -j -p` against iproute2's JSON, written out by hand from tc/tc_filter.c
 * print_filter, tc/f_flower.c flower_print_opt, tc/m_action.c tc_dump_action and
 * tc_print_one_action, tc/m_ct.c print_ct, tc/m_gact.c print_gact, tc/m_mirred.c print_mirred,
 * tc/tc_util.c print_tm / print_tcstats2_attr and lib/json_writer.c (pretty layout).
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../simulator';
import { renderJsonDocument } from './json_writer';

function outputs(script: string): string[] {
  const r = new Simulator().run(script);
  expect(r.error).toBeUndefined();
  return r.outputs;
}

const RULES = `ethtool -K uplink hw-tc-offload off
tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp dst_port 80 ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new ct_zone 1 ct_mark 0/0xff action ct zone 1 commit mark 7/0xf nat src addr 198.51.100.1 port 2000-2001 pipe action mirred egress redirect dev rep0
`;

describe('tc -j filter show', () => {
  it('prints one line: the chain heads and each filter with its keys, flags and actions', () => {
    const [json] = outputs(`${RULES}tc -j filter show dev uplink ingress chain 0\n`);
    expect(json).toBe(
      '[{"protocol":"ip","pref":1,"kind":"flower"},' +
        '{"protocol":"ip","pref":1,"kind":"flower","options":{"handle":1,' +
        '"keys":{"eth_type":"ipv4","ip_proto":"tcp","dst_port":80,"ct_state":"-trk"},"not_in_hw":true,' +
        '"actions":[{"order":1,"kind":"ct","zone":1,"control_action":{"type":"pipe"},"index":1,"ref":1,"bind":1},' +
        '{"order":2,"kind":"gact","control_action":{"type":"goto","chain":2},"prob":{"random_type":"none","control_action":{"type":"pass"},"val":0},"index":1,"ref":1,"bind":1}]}}]\n',
    );
    expect(JSON.parse(json)).toHaveLength(2);
  });

  it('with -p -s: four-space indentation, array elements on the bracket line, times and stats', () => {
    const script = `${RULES}send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S\nsleep 3\ntc -s -p -j filter show dev uplink ingress chain 2\n`;
    const [json] = outputs(script);
    expect(json).toBe(`[ {
        "protocol": "ip",
        "pref": 1,
        "kind": "flower"
    },{
        "protocol": "ip",
        "pref": 1,
        "kind": "flower",
        "options": {
            "handle": 1,
            "keys": {
                "eth_type": "ipv4",
                "ct_state": "+trk+new",
                "ct_zone": 1,
                "ct_mark": 0,
                "ct_mark_mask": "ff"
            },
            "not_in_hw": true,
            "actions": [ {
                    "order": 1,
                    "kind": "ct",
                    "action": "commit",
                    "mark": 7,
                    "mark_mask": "f",
                    "zone": 1,
                    "nat": "src addr 198.51.100.1 port 2000-2001",
                    "control_action": {
                        "type": "pipe"
                    },
                    "index": 2,
                    "ref": 1,
                    "bind": 1,
                    "installed": 3,
                    "last_used": 3,
                    "first_used": 3,
                    "stats": {
                        "bytes": 40,
                        "packets": 1,
                        "drops": 0,
                        "overlimits": 0,
                        "requeues": 0,
                        "backlog": 0,
                        "qlen": 0
                    }
                },{
                    "order": 2,
                    "kind": "mirred",
                    "mirred_action": "redirect",
                    "direction": "egress",
                    "to_dev": "rep0",
                    "control_action": {
                        "type": "stolen"
                    },
                    "index": 1,
                    "ref": 1,
                    "bind": 1,
                    "installed": 3,
                    "last_used": 3,
                    "first_used": 3,
                    "stats": {
                        "bytes": 40,
                        "packets": 1,
                        "drops": 0,
                        "overlimits": 0,
                        "requeues": 0,
                        "backlog": 0,
                        "qlen": 0
                    }
                } ]
        }
    } ]
`);
  });

  it('leaves out what the request named (protocol, pref, chain), as print_filter does', () => {
    const [json, other] = outputs(`${RULES}tc -j filter show dev uplink ingress protocol ip pref 1 chain 0\ntc -j filter show dev uplink ingress pref 2\n`);
    expect(JSON.parse(json)[0]).toEqual({ kind: 'flower' });
    expect(other).toBe('[]\n');
  });

  it('prints port ranges as start/end objects and masks as hex strings', () => {
    const [json] = outputs(`tc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress prio 2 proto ip flower ip_proto udp src_ip 10.0.0.0/8 dst_port 1000-2000 ip_ttl 64/0xf0 skip_hw action drop\ntc -j filter show dev rep0 ingress\n`);
    const filter = JSON.parse(json)[1];
    expect(filter.options.keys).toEqual({ eth_type: 'ipv4', ip_proto: 'udp', ip_ttl: 64, ip_ttl_mask: 'f0', src_ip: '10.0.0.0/8', dst_port: { start: 1000, end: 2000 } });
    expect(Object.keys(filter.options)).toEqual(['handle', 'keys', 'skip_hw', 'not_in_hw', 'actions']);
  });
});

describe('tc -j actions ls', () => {
  it('prints the count object, then the actions numbered from 0; a current kernel adds not_in_hw', () => {
    const [five7] = outputs('tc actions add action ct zone 3 index 5\ntc -j actions ls action ct\n');
    expect(five7).toBe('[{"total acts":1},{"actions":[{"order":0,"kind":"ct","zone":3,"control_action":{"type":"pipe"},"index":5,"ref":1,"bind":0}]}]\n');
    const [current] = outputs('sim profile 6.12\ntc actions add action ct commit zone 3 index 5\ntc -j actions ls action ct\n');
    expect(current).toBe('[{"total acts":1},{"actions":[{"order":0,"kind":"ct","action":"commit","zone":3,"control_action":{"type":"pipe"},"index":5,"ref":1,"bind":0,"not_in_hw":true}]}]\n');
  });

  it('prints an empty array when there is nothing', () => {
    expect(outputs('tc -j actions ls action ct\ntc -j -p actions ls action ct\n')).toEqual(['[]\n', '[ ]\n']);
  });
});

describe('the JSON writer', () => {
  it('escapes as json_writer.c does', () => {
    expect(renderJsonDocument(['a"b\\c\td\u0001'], false)).toBe('["a\\"b\\\\c\\td\\u0001"]\n');
  });
});
