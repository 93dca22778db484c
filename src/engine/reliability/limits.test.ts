/**
 * Resource limits: a script cannot ask for unbounded work or memory. nf_conntrack_max bounds
 * the connection table the way the kernel does (early drop, then "table full" drops); the
 * parser bounds script size and `send … count`.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SCRIPT_LINES } from '../script/parse';
import { MAX_SEND_COUNT } from '../script/parse-packet';
import { Simulator } from '../simulator';
import { MAX_FILTERS_PER_HOOK } from '../tc/filter_ops';

/** `n` connections from distinct source ports, each answered so that it is assured. */
function connects(n: number, from = 0): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) lines.push(`connect dev uplink tcp 192.0.2.${1 + (i >> 15)}:${1024 + (i & 0x7fff)} > 10.0.0.1:80 close none`);
  return lines.join('\n');
}

const COMMIT_ALL = `tc qdisc add dev uplink ingress
tc filter add dev uplink ingress prio 1 proto ip flower ct_state -trk action ct commit pipe action mirred egress redirect dev rep0
tc qdisc add dev rep0 ingress
tc filter add dev rep0 ingress prio 1 proto ip flower ct_state -trk action ct pipe action mirred egress redirect dev uplink
`;

describe('resource limits', () => {
  it('nf_conntrack_max bounds the table: connections past it are dropped as "table full"', () => {
    const sim = new Simulator();
    const drops: string[] = [];
    let tableFull = 0;
    sim.subscribe((e) => {
      if (e.kind === 'packet.drop') drops.push(e.reason);
      if (e.kind === 'ct.lookup' && e.reason === 'nf_conntrack: table full, dropping packet') tableFull++;
    });
    expect(sim.run(`sysctl -w net.netfilter.nf_conntrack_max=1000\n${COMMIT_ALL}`).error).toBeUndefined();
    expect(sim.run(connects(3000)).error).toBeUndefined();
    expect(sim.conntrack.count()).toBe(1000);
    // Assured entries cannot be early-dropped: every SYN past the limit is refused.
    expect(drops.length).toBe(2000);
    expect(tableFull).toBe(2000);
    expect(new Set(drops)).toEqual(new Set(['tc ingress on uplink returned drop']));
  });

  it('memory stays bounded when a script keeps opening connections past the limit', () => {
    const sim = new Simulator();
    sim.run(`sysctl -w net.netfilter.nf_conntrack_max=2000\n${COMMIT_ALL}`);
    sim.run(connects(4000));
    const bytes = sim.conntrack.memoryBytes();
    const start = performance.now();
    for (let batch = 1; batch < 10; batch++) expect(sim.run(connects(4000, batch * 4000)).error).toBeUndefined();
    expect(sim.conntrack.count()).toBe(2000);
    expect(sim.conntrack.memoryBytes()).toBe(bytes);
    // Refusals are cheap: 36,000 refused connections well within a second or two.
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('a script of ten million connections is refused up front by the script limits', () => {
    const lines = connects(MAX_SCRIPT_LINES + 1).split('\n');
    const r = new Simulator().run(lines.join('\n'));
    expect(r.error).toEqual({ line: 15_766, col: 17, message: 'script is longer than 1000000 characters' });
    expect(r.outputs).toEqual([]);
    const short = Array(MAX_SCRIPT_LINES + 1).fill('sleep 0').join('\n');
    expect(new Simulator().run(short).error).toEqual({ line: MAX_SCRIPT_LINES + 1, col: 1, message: `script has more than ${MAX_SCRIPT_LINES} lines` });
  });

  it('send count is limited per command', () => {
    const r = new Simulator().run(`send dev uplink udp 1.1.1.1:1 > 2.2.2.2:2 count ${MAX_SEND_COUNT + 1}`);
    expect(r.error).toEqual({ line: 1, col: 49, message: `count ${MAX_SEND_COUNT + 1} exceeds the limit of ${MAX_SEND_COUNT} packets per send` });
  });
});

describe('filter limit', () => {
  it(`refuses filter number ${MAX_FILTERS_PER_HOOK + 1} on one hook, with the state unchanged`, () => {
    const sim = new Simulator();
    const lines = ['tc qdisc add dev uplink ingress'];
    for (let i = 1; i <= MAX_FILTERS_PER_HOOK; i++) {
      lines.push(`tc filter add dev uplink ingress chain ${i % 4} prio ${1 + (i >> 2)} proto ip flower skip_hw action drop`);
    }
    expect(sim.run(lines.join('\n')).error).toBeUndefined();
    const r = sim.run('echo ok\ntc filter add dev uplink ingress chain 9 prio 1 proto ip flower skip_hw action drop');
    expect(r.error).toEqual({ line: 2, col: 11, message: `too many filters: the simulator holds at most ${MAX_FILTERS_PER_HOOK} per device hook` });
    expect(sim.tc.qdisc('uplink')!.blockFor('ingress').filterCount()).toBe(MAX_FILTERS_PER_HOOK);
    // Another hook has its own budget.
    expect(sim.run('tc qdisc add dev rep0 ingress\ntc filter add dev rep0 ingress proto ip flower skip_hw action drop').error).toBeUndefined();
  });
});
