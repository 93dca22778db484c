/**
 * The engine's figures: `conns` TCP connections opened through the talk's rule set (chain 0
 * `ct zone 1` + goto, chain 2 `+trk+new` commit / `+trk+est` forward, on the uplink and on the
 * server VM's representor), then packets of those established connections through the
 * flowtable fast path, through conntrack, with and without an event listener, and a
 * heavy-tailed traffic mix over the full table.
 */
import type { Micros } from '../engine/clock';
import type { Outcome } from '../engine/datapath';
import type { SimEvent } from '../engine/events';
import type { Packet } from '../engine/model/packet';
import type { Simulator } from '../engine/simulator';
import { MAX_FLOW_SEGMENTS } from '../engine/traffic/flowsize';
import { DEFAULT_TRAFFIC, TrafficGenerator, type TrafficHost, type TrafficSpec } from '../engine/traffic/generator';
import { allocationDuring, canCollect, settledBytes } from './memory';
import { progress, rateFigure, round3, unmeasured, type Baselines, type Emit } from './report';
import { timeNs } from './timing';

/** The talk's use case (src/scenarios/talk-web-server.sim): HTTP to the web server in vm0. */
export const TALK_RULES = `
tc qdisc add dev uplink ingress
tc qdisc add dev rep0 ingress
tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp dst_port 80 ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0
tc filter add dev uplink ingress prio 2 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep0
tc filter add dev rep0 ingress prio 1 chain 0 proto ip flower ip_proto tcp ct_state -trk action ct zone 1 pipe action goto chain 2
tc filter add dev rep0 ingress prio 1 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev uplink
tc filter add dev rep0 ingress prio 2 chain 2 proto ip flower ct_state +trk+new action drop
`;

/** Virtual packet rate: the target rate, so timers (flowtable GC, offload work) cost what they would at it. */
const VIRTUAL_PPS = 3_000_000;
const SW_TARGET_PPS = 3_000_000;
const HW_TARGET_PPS = 10_000_000;
const SETUP_TARGET_CPS = 300_000;
const BYTES_PER_CONN_TARGET = 200;
/** Packets of the sampled runs that check which path the timed packets take. */
const SAMPLE_PACKETS = 20_000;

export interface EngineSuiteOptions {
  conns: number;
  /** Packets per timed run. */
  packets: number;
  baselines: Baselines;
  emit: Emit;
}

/**
 * Drives a Simulator as the traffic generator's host. Packet ids come from a counter of our
 * own: the benchmark sends no script packets whose ids could collide.
 */
class BenchHost implements TrafficHost {
  private lastOutcome: Outcome | null = null;
  private nextId = 1;

  constructor(private readonly sim: Simulator) {
    sim.datapath.onOutcome = (_pkt, o) => {
      this.lastOutcome = o;
    };
  }

  get env(): Simulator['env'] {
    return this.sim.env;
  }

  newPacketId(): number {
    return this.nextId++;
  }

  advanceTo(t: Micros): void {
    this.sim.env.clock.advanceTo(t);
  }

  inject(pkt: Packet, dev: string): Outcome | null {
    this.lastOutcome = null;
    this.sim.env.pkt = pkt.id;
    this.sim.datapath.receive(pkt, dev);
    this.sim.env.pkt = 0;
    return this.lastOutcome;
  }
}

/** Counts, over a sampled run, the packets that took each path (from the event stream). */
function samplePaths(sim: Simulator, run: () => void): { fast: number; conntrack: number; events: number } {
  const seen = { fast: 0, conntrack: 0, events: 0 };
  const off = sim.subscribe((e: SimEvent) => {
    seen.events++;
    if (e.kind === 'ft.lookup' && e.hit) seen.fast++;
    else if (e.kind === 'ct.lookup' && e.result !== 'cached') seen.conntrack++;
  });
  try {
    run();
  } finally {
    off();
  }
  return seen;
}

const percent = (part: number, whole: number): string => `${round3((100 * part) / Math.max(1, whole))}%`;

function label(conns: number): string {
  return conns % 1_000_000 === 0 ? `${conns / 1_000_000}M` : `${conns / 1000}k`;
}

/** Builds the simulator with the talk's rules, or says why the engine cannot run yet. */
async function buildSimulator(conns: number): Promise<Simulator | string> {
  try {
    const { Simulator } = await import('../engine/simulator');
    const sim = new Simulator({ seed: 1 });
    const r = sim.run(TALK_RULES);
    if (r.error) return `rule set rejected: line ${r.error.line}: ${r.error.message}`;
    // Room for every benchmark connection plus the mix's TIME_WAIT entries.
    const err = sim.env.sysctl.set('net.netfilter.nf_conntrack_max', String(4 * conns + 1_000_000));
    if (err) return err;
    return sim;
  } catch (e) {
    return `engine not runnable yet: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export async function runEngineSuite(o: EngineSuiteOptions): Promise<void> {
  const n = label(o.conns);
  const names = {
    setup: 'engine_setup_cps',
    memory: 'engine_bytes_per_conn',
    sw: `engine_sw_pps_${n}_conns`,
    fast: `engine_sw_fastpath_pps_${n}_conns`,
    ct: `engine_sw_conntrack_pps_${n}_conns`,
    hw: `engine_hw_pps_${n}_conns`,
    events: 'engine_events_per_sec',
    alloc: 'engine_alloc_bytes_per_pkt_no_listener',
  };
  const sim = await buildSimulator(o.conns);
  if (typeof sim === 'string') {
    progress(sim);
    o.emit(unmeasured(names.setup, 'conn/s', SETUP_TARGET_CPS, 'higher', sim));
    o.emit(unmeasured(names.memory, 'B/conn', BYTES_PER_CONN_TARGET, 'lower', sim));
    o.emit(unmeasured(names.sw, 'pkt/s', SW_TARGET_PPS, 'higher', sim));
    o.emit(unmeasured(names.fast, 'pkt/s', SW_TARGET_PPS, 'higher', sim));
    o.emit(unmeasured(names.ct, 'pkt/s', SW_TARGET_PPS, 'higher', sim));
    o.emit(unmeasured(names.hw, 'pkt/s', HW_TARGET_PPS, 'higher', sim));
    o.emit(unmeasured(names.events, 'event/s', null, 'higher', sim));
    o.emit(unmeasured(names.alloc, 'B/pkt', 0, 'lower', sim));
    return;
  }
  const b = o.baselines;
  const host = new BenchHost(sim);
  const spec: TrafficSpec = {
    ...DEFAULT_TRAFFIC,
    dev: 'uplink',
    replyDev: 'rep0',
    conns: o.conns,
    rate: VIRTUAL_PPS,
    flowSize: { kind: 'fixed', segments: MAX_FLOW_SEGMENTS },
    order: 'round-robin',
  };
  const gen = new TrafficGenerator(host, spec);

  // ---- connection setup and memory -------------------------------------------------------
  progress(`opening ${o.conns} connections (SYN, SYN-ACK, ACK each)`);
  const before = settledBytes();
  const setupNs = timeNs(() => gen.send(3 * o.conns));
  const after = settledBytes();
  const connected = gen.stats.connected;
  progress(`connected ${connected}/${o.conns}, conntrack holds ${sim.conntrack.count()}`);
  const cps = (connected * 1e9) / setupNs;
  o.emit({
    ...rateFigure(names.setup, cps, SETUP_TARGET_CPS, b, 'three-way handshake through the rule set: +trk+new commit, flowtable add on the ACK, hardware offload request', 'conn/s'),
  });
  o.emit({
    name: names.memory,
    value: connected > 0 ? round3((after - before) / connected) : null,
    unit: 'B/conn',
    target: BYTES_PER_CONN_TARGET,
    better: 'lower',
    baseline_ratio: null,
    note: `heap + array buffers growth from 0 to ${connected} established connections (conntrack, flowtable, offload state)${canCollect ? '' : '; run with --expose-gc for a settled reading'}`,
  });

  // ---- flowtable fast path ---------------------------------------------------------------
  gen.order = 'random';
  gen.send(o.packets / 4); // warm-up: every path compiled before timing
  const fastSample = samplePaths(sim, () => gen.send(SAMPLE_PACKETS));
  progress(`fast path sample: ${percent(fastSample.fast, SAMPLE_PACKETS)} flowtable hits`);
  const fastNs = timeNs(() => gen.send(o.packets));
  const fastPps = (o.packets * 1e9) / fastNs;
  o.emit(rateFigure(names.fast, fastPps, SW_TARGET_PPS, b, `packets of established connections, random order; sampled ${percent(fastSample.fast, SAMPLE_PACKETS)} flowtable hits`));

  // ---- allocation with nobody listening ----------------------------------------------------
  const alloc = allocationDuring(() => gen.send(o.packets));
  o.emit({
    name: names.alloc,
    value: round3(Math.max(0, alloc.bytes) / o.packets),
    unit: 'B/pkt',
    target: 0,
    better: 'lower',
    baseline_ratio: null,
    note: `JS heap allocated over ${o.packets} fast-path packets with no event listener (${alloc.collections} collections)`,
  });

  // ---- conntrack path --------------------------------------------------------------------
  // tcf_ct_flow_table_fill_tuple_ipv4 refuses packets with TTL <= 1, so these take nf_conntrack_in.
  gen.ttl = 1;
  gen.send(o.packets / 4);
  const ctSample = samplePaths(sim, () => gen.send(SAMPLE_PACKETS));
  progress(`conntrack path sample: ${percent(ctSample.conntrack, SAMPLE_PACKETS)} conntrack lookups`);
  const ctNs = timeNs(() => gen.send(o.packets));
  gen.ttl = DEFAULT_TRAFFIC.ttl;
  const ctPps = (o.packets * 1e9) / ctNs;
  o.emit(rateFigure(names.ct, ctPps, SW_TARGET_PPS, b, `packets of established connections with IP TTL 1, which act_ct keeps off the flowtable (tcf_ct_flow_table_fill_tuple_ipv4), so each goes through nf_conntrack_in; sampled ${percent(ctSample.conntrack, SAMPLE_PACKETS)} conntrack lookups`));

  // ---- events with a listener ------------------------------------------------------------
  let events = 0;
  const off = sim.subscribe(() => {
    events++;
  });
  const evNs = timeNs(() => gen.send(o.packets));
  off();
  o.emit({
    name: names.events,
    value: round3((events * 1e9) / evNs),
    unit: 'event/s',
    target: null,
    better: 'higher',
    baseline_ratio: null,
    note: `fast-path packets with one counting listener: ${round3(events / o.packets)} events per packet, ${round3((o.packets * 1e9) / evNs)} pkt/s`,
  });

  // ---- hardware path -----------------------------------------------------------------------
  o.emit(unmeasured(names.hw, 'pkt/s', HW_TARGET_PPS, 'higher', 'the hardware model (src/engine/hw) is not in this build yet'));

  // ---- heavy-tailed mix over the full table ---------------------------------------------
  const mixConns = Math.max(1, Math.round(o.conns / 10));
  const mix = new TrafficGenerator(host, {
    ...spec,
    conns: mixConns,
    src: { addr: 0xcb007100, len: 24 }, // 203.0.113.0/24: other clients than the established ones
    flowSize: DEFAULT_TRAFFIC.flowSize,
    order: 'random',
  });
  mix.send(o.packets / 2);
  const mixSample = samplePaths(sim, () => mix.send(SAMPLE_PACKETS));
  const mixNs = timeNs(() => mix.send(o.packets));
  const fs = DEFAULT_TRAFFIC.flowSize;
  const flowLaw = fs.kind === 'pareto' ? `Pareto(alpha ${fs.alpha}, min ${fs.min} segments)` : fs.kind;
  o.emit(
    rateFigure(
      names.sw,
      (o.packets * 1e9) / mixNs,
      SW_TARGET_PPS,
      b,
      `${mixConns} concurrent connections with ${flowLaw} downloads (handshake, data + ACKs, FIN close) beside ${connected} established ones; sampled ${percent(mixSample.fast, SAMPLE_PACKETS)} flowtable hits, ${percent(mixSample.conntrack, SAMPLE_PACKETS)} conntrack lookups`,
    ),
  );
  progress(`mix: ${mix.stats.completed} connections completed, ${mix.stats.lost} packets lost`);
}
