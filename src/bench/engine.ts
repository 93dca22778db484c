/**
 * The engine's figures: `conns` TCP connections opened through the talk's rule set (chain 0
 * `ct zone 1` + goto, chain 2 `+trk+new` commit / `+trk+est` forward, on the uplink and on the
 * server VM's representor), then packets of those established connections through the
 * flowtable fast path, through conntrack, with and without an event listener, and a
 * heavy-tailed traffic mix over the full table.
 */
import type { Micros } from '../engine/clock';
import { Env } from '../engine/env';
import type { Outcome } from '../engine/datapath';
import type { SimEvent } from '../engine/events';
import type { Packet } from '../engine/model/packet';
import type { Simulator } from '../engine/simulator';
import { MAX_FLOW_SEGMENTS } from '../engine/traffic/flowsize';
import { DEFAULT_TRAFFIC, TrafficGenerator, type TrafficHost, type TrafficSpec } from '../engine/traffic/generator';
import { allocationDuring, canCollect, settledBytes } from './memory';
import { progress, rateFigure, round3, unmeasured, type Baselines, type Emit, type Figure } from './report';
import { unprofiled, type TimeRun } from './profile';
import { talkRules } from '../scenarios/talk-rules';

/**
 * The talk's use case (src/scenarios/talk-web-server.sim): HTTP to the web server in vm0.
 * `flags` goes after `flower` on every filter: `skip_hw` keeps the rules in software.
 */

/** Virtual packet rate: the target rate, so timers (flowtable GC, offload work) cost what they would at it. */
const VIRTUAL_PPS = 3_000_000;
const SW_TARGET_PPS = 3_000_000;
const HW_TARGET_PPS = 10_000_000;
const SETUP_TARGET_CPS = 300_000;
const BYTES_PER_CONN_TARGET = 200;
/** Packets per train in the locality run (a TCP window's worth of segments back to back). */
const TRAIN = 16;
/** Packets of the sampled runs that check which path the timed packets take. */
const SAMPLE_PACKETS = 20_000;

export interface EngineSuiteOptions {
  conns: number;
  /** Packets per timed run. */
  packets: number;
  baselines: Baselines;
  emit: Emit;
  /** Times each figure's run (and, with --profile, records its CPU profile). */
  time?: TimeRun;
}

/**
 * Drives a Simulator as the traffic generator's host. Packet ids come from a counter of our
 * own: the benchmark sends no script packets whose ids could collide.
 */
export class BenchHost implements TrafficHost {
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

  get warmup(): Simulator['warmup'] {
    return this.sim.warmup;
  }

  newPacketId(): number {
    return this.nextId++;
  }

  advanceTo(t: Micros): void {
    this.sim.env.clock.advanceTo(t, this.onTimer);
  }

  /** Timers are traced as the simulator traces them (`timer` events, packet 0). */
  private readonly onTimer = (name: string, at: Micros): void => {
    const env = this.sim.env;
    env.pkt = 0;
    if (env.events.active) env.events.emit({ kind: 'timer', t: at, pkt: 0, name });
  };

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

/** Builds a simulator with the talk's rules, or says why the engine cannot run yet. */
async function buildSimulator(conns: number, flags: '' | 'skip_hw'): Promise<Simulator | string> {
  try {
    const { Simulator } = await import('../engine/simulator');
    const sim = new Simulator({ seed: 1 });
    // The benchmark times the simulator, not the modelled NIC's insertion rate (100k/s by default).
    const r = sim.run(`${talkRules(flags)}\nsim nic-insert-rate 0\n`);
    if (r.error) return `setup rejected: line ${r.error.line}: ${r.error.message}`;
    // Room for every benchmark connection plus the mix's TIME_WAIT entries.
    const err = sim.env.sysctl.set('net.netfilter.nf_conntrack_max', String(4 * conns + 1_000_000));
    if (err) return err;
    return sim;
  } catch (e) {
    return `engine not runnable yet: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The figures' names for a table of `conns` connections. */
function figureNames(conns: number) {
  const n = label(conns);
  return {
    setup: 'engine_setup_cps',
    memory: 'engine_bytes_per_conn',
    hw: `engine_hw_pps_${n}_conns`,
    hwTrains: `engine_hw_pps_${n}_conns_trains${TRAIN}`,
    sw: `engine_sw_pps_${n}_conns`,
    fast: `engine_sw_fastpath_pps_${n}_conns`,
    fastTrains: `engine_sw_fastpath_pps_${n}_conns_trains${TRAIN}`,
    ct: `engine_sw_conntrack_pps_${n}_conns`,
    events: 'engine_events_per_sec',
    generator: `traffic_generator_pps_${n}_conns`,
    alloc: 'engine_alloc_bytes_per_pkt_no_listener',
    fork: `engine_fork_ms_${n}_conns`,
    forkMemory: 'engine_fork_bytes_per_conn',
  };
}
type Names = ReturnType<typeof figureNames>;

function trafficSpec(conns: number): TrafficSpec {
  return {
    ...DEFAULT_TRAFFIC,
    dev: 'uplink',
    replyDev: 'rep0',
    conns,
    rate: VIRTUAL_PPS,
    flowSize: { kind: 'fixed', segments: MAX_FLOW_SEGMENTS },
    order: 'round-robin',
  };
}

/**
 * Opens every connection of `gen` (round-robin: all SYNs, all SYN-ACKs, all ACKs) and lets
 * the offload work queued meanwhile run. Returns the wall-clock ns it took.
 */
async function openAll(sim: Simulator, gen: TrafficGenerator, conns: number, time: TimeRun, figure: string): Promise<number> {
  progress(`opening ${conns} connections (SYN, SYN-ACK, ACK each)`);
  gen.order = 'round-robin';
  const ns = await time(figure, () => {
    gen.send(3 * conns);
    sim.env.clock.advanceTo(sim.env.now());
  });
  progress(`connected ${gen.stats.connected}/${conns}, conntrack holds ${sim.conntrack.count()}`);
  gen.order = 'random';
  return ns;
}

export async function runEngineSuite(o: EngineSuiteOptions): Promise<void> {
  const names = figureNames(o.conns);
  const notRunnable = await hardwarePhase(o, names);
  if (notRunnable) {
    progress(notRunnable);
    for (const f of unmeasuredAll(names, notRunnable)) o.emit(f);
    return;
  }
  // The hardware phase's simulator is garbage by now: the software phase gets the memory.
  await softwarePhase(o, names);
  await generatorPhase(o, names);
}

/** A host that delivers every packet at once: what is left is the generator's own cost. */
class DeliverAllHost implements TrafficHost {
  private static readonly DELIVERED: Outcome = { kind: 'deliver', dev: 'rep0', to: 'vm', target: 'vm0' };
  readonly env = new Env(1);
  private nextId = 1;

  newPacketId(): number {
    return this.nextId++;
  }

  advanceTo(t: Micros): void {
    this.env.clock.advanceTo(t);
  }

  inject(): Outcome {
    return DeliverAllHost.DELIVERED;
  }
}

/**
 * The traffic generator alone, with the hardware figure's traffic: the ceiling it puts on
 * every figure above (their packets come from it).
 */
async function generatorPhase(o: EngineSuiteOptions, names: Names): Promise<void> {
  const gen = new TrafficGenerator(new DeliverAllHost(), trafficSpec(o.conns));
  gen.send(3 * o.conns);
  gen.order = 'random';
  gen.send(o.packets / 4);
  const ns = await (o.time ?? unprofiled)(names.generator, () => gen.send(o.packets));
  o.emit(rateFigure(names.generator, (o.packets * 1e9) / ns, null, o.baselines, 'the traffic generator alone (a host that delivers every packet at once), the same random order over the same connections: the ceiling it puts on the figures above'));
}

function unmeasuredAll(names: Names, why: string): Figure[] {
  return [
    unmeasured(names.setup, 'conn/s', SETUP_TARGET_CPS, 'higher', why),
    unmeasured(names.memory, 'B/conn', BYTES_PER_CONN_TARGET, 'lower', why),
    unmeasured(names.hw, 'pkt/s', HW_TARGET_PPS, 'higher', why),
    unmeasured(names.hwTrains, 'pkt/s', HW_TARGET_PPS, 'higher', why),
    unmeasured(names.fast, 'pkt/s', SW_TARGET_PPS, 'higher', why),
    unmeasured(names.fastTrains, 'pkt/s', SW_TARGET_PPS, 'higher', why),
    unmeasured(names.alloc, 'B/pkt', 0, 'lower', why),
    unmeasured(names.ct, 'pkt/s', SW_TARGET_PPS, 'higher', why),
    unmeasured(names.events, 'event/s', null, 'higher', why),
    unmeasured(names.sw, 'pkt/s', SW_TARGET_PPS, 'higher', why),
    unmeasured(names.generator, 'pkt/s', null, 'higher', why),
    unmeasured(names.fork, 'ms', null, 'lower', why),
    unmeasured(names.forkMemory, 'B/conn', null, 'lower', why),
  ];
}

/**
 * The talk's rules offloaded to the simulated NIC: connection setup (whose ACK queues the
 * hardware insertion), the memory of conntrack + flowtable + hardware entries, and packets
 * of the offloaded connections through the hardware tables.
 */
async function hardwarePhase(o: EngineSuiteOptions, names: Names): Promise<string | null> {
  const sim = await buildSimulator(o.conns, '');
  if (typeof sim === 'string') return sim;
  const b = o.baselines;
  const host = new BenchHost(sim);
  const gen = new TrafficGenerator(host, trafficSpec(o.conns));
  const before = settledBytes();
  const time = o.time ?? unprofiled;
  const setupNs = await openAll(sim, gen, o.conns, time, names.setup);
  const after = settledBytes();
  const connected = gen.stats.connected;
  const pipeline = sim.hw.nic.pipeline;
  progress(`hardware CT table holds ${sim.hw.nic.table.size} entries`);
  const perConn = (bytes: number): number => Math.round(bytes / Math.max(1, connected));

  progress(
    `bytes per connection: conntrack with the flowtable's flows in its entries ${perConn(sim.conntrack.memoryBytes())}, hardware CT table ${perConn(sim.hw.nic.table.byteLength())} (capacity included)`,
  );
  o.emit(
    rateFigure(
      names.setup,
      (connected * 1e9) / setupNs,
      SETUP_TARGET_CPS,
      b,
      'three-way handshake missing in hardware and tracked in software: +trk+new commit, flowtable add on the ACK, hardware insertion by the driver',
      'conn/s',
    ),
  );
  o.emit({
    name: names.memory,
    value: connected > 0 ? round3((after - before) / connected) : null,
    unit: 'B/conn',
    target: BYTES_PER_CONN_TARGET,
    better: 'lower',
    baseline_ratio: null,
    note: `heap + array buffers growth from 0 to ${connected} established, offloaded connections (conntrack, flowtable, hardware CT entries, offload queue)${canCollect ? '' : '; run with --expose-gc for a settled reading'}`,
  });

  gen.send(o.packets / 4);
  const hwBefore = pipeline.hwPackets;
  const hwNs = await time(names.hw, () => gen.send(o.packets));
  const share = percent(pipeline.hwPackets - hwBefore, o.packets);
  progress(`hardware path: ${share} of the packets finished in hardware`);
  o.emit(rateFigure(names.hw, (o.packets * 1e9) / hwNs, HW_TARGET_PPS, b, `packets of the offloaded connections, random order, through the hardware chain and CT tables; ${share} finished in hardware`));

  gen.train = TRAIN;
  gen.send(o.packets / 4);
  const hwTrainNs = await time(names.hwTrains, () => gen.send(o.packets));
  o.emit(rateFigure(names.hwTrains, (o.packets * 1e9) / hwTrainNs, HW_TARGET_PPS, b, `the same packets in trains of ${TRAIN} per connection drawn at random, as TCP windows arrive in bursts`));
  await forkFigures(o, names, { sim, host, gen });
  return null;
}

/** What a fork of the benchmark copies: the simulator, its host and the generator running on it. */
interface BenchState {
  sim: Simulator;
  host: BenchHost;
  gen: TrafficGenerator;
}

/**
 * The UI's rewind (src/engine/fork.ts) at full scale: the hardware phase's state copied into a
 * freshly built one. Timed: fork() alone (building the fresh graph is the caller's). Bytes: what
 * the fresh graph and the copy added. Both then send the same packets, as a check.
 */
async function forkFigures(o: EngineSuiteOptions, names: Names, state: BenchState): Promise<void> {
  const { Simulator } = await import('../engine/simulator');
  const { fork } = await import('../engine/fork');
  const before = settledBytes();
  const freshSim = new Simulator({ seed: 1 });
  const freshHost = new BenchHost(freshSim);
  const fresh: BenchState = { sim: freshSim, host: freshHost, gen: new TrafficGenerator(freshHost, trafficSpec(o.conns)) };
  let copy = fresh;
  const ns = await unprofiled(names.fork, () => {
    copy = fork(state, fresh);
  });
  const bytes = settledBytes() - before;
  const connected = state.gen.stats.connected;
  const hwBefore = state.sim.hw.nic.pipeline.hwPackets;
  for (const s of [state, copy]) s.gen.send(SAMPLE_PACKETS);
  const same = copy.sim.hw.nic.pipeline.hwPackets === state.sim.hw.nic.pipeline.hwPackets && copy.sim.conntrack.count() === state.sim.conntrack.count();
  progress(`fork: ${copy.sim.conntrack.count()} connections; the same ${SAMPLE_PACKETS} packets on both: ${same ? 'same' : 'DIFFERENT'} state (${state.sim.hw.nic.pipeline.hwPackets - hwBefore} in hardware)`);
  if (!same) throw new Error('the fork diverged from the simulator it was copied from');
  const note = `simulator + traffic generator holding ${connected} established, offloaded connections`;
  o.emit({ name: names.fork, value: round3(ns / 1e6), unit: 'ms', target: null, better: 'lower', baseline_ratio: null, note: `fork() of a ${note}, into a freshly built one` });
  o.emit({
    name: names.forkMemory,
    value: connected > 0 ? round3(bytes / connected) : null,
    unit: 'B/conn',
    target: null,
    better: 'lower',
    baseline_ratio: null,
    note: `heap + array buffers growth from building a fresh ${note} and forking into it${canCollect ? '' : '; run with --expose-gc for a settled reading'}`,
  });
}

/**
 * The same rules with skip_hw: packets of established connections through the flowtable fast
 * path and through conntrack, allocation with nobody listening, events with a listener, and a
 * heavy-tailed mix of new connections beside the full table.
 */
async function softwarePhase(o: EngineSuiteOptions, names: Names): Promise<void> {
  const sim = await buildSimulator(o.conns, 'skip_hw');
  if (typeof sim === 'string') throw new Error(sim);
  const b = o.baselines;
  const host = new BenchHost(sim);
  const gen = new TrafficGenerator(host, trafficSpec(o.conns));
  const time = o.time ?? unprofiled;
  await openAll(sim, gen, o.conns, unprofiled, 'software phase setup');
  const connected = gen.stats.connected;

  // ---- flowtable fast path ---------------------------------------------------------------
  gen.send(o.packets / 4); // warm-up: every path compiled before timing
  const fastSample = samplePaths(sim, () => gen.send(SAMPLE_PACKETS));
  progress(`fast path sample: ${percent(fastSample.fast, SAMPLE_PACKETS)} flowtable hits`);
  const fastNs = await time(names.fast, () => gen.send(o.packets));
  o.emit(rateFigure(names.fast, (o.packets * 1e9) / fastNs, SW_TARGET_PPS, b, `packets of established connections, each from a connection drawn at random (no locality: the worst case for the caches); sampled ${percent(fastSample.fast, SAMPLE_PACKETS)} flowtable hits`));

  gen.train = TRAIN;
  gen.send(o.packets / 4);
  const trainNs = await time(names.fastTrains, () => gen.send(o.packets));
  gen.train = 1;
  o.emit(rateFigure(names.fastTrains, (o.packets * 1e9) / trainNs, SW_TARGET_PPS, b, `the same packets in trains of ${TRAIN} per connection drawn at random, as TCP windows arrive in bursts`));

  // ---- allocation with nobody listening ----------------------------------------------------
  const eventsBefore = sim.env.events.count;
  const alloc = allocationDuring(() => gen.send(o.packets));
  const emitted = sim.env.events.count - eventsBefore;
  o.emit({
    name: names.alloc,
    value: round3(Math.max(0, alloc.bytes) / o.packets),
    unit: 'B/pkt',
    target: 0,
    better: 'lower',
    baseline_ratio: null,
    note: `JS heap allocated over ${o.packets} fast-path packets with no event listener (${alloc.collections} collections); events emitted: ${emitted}`,
  });

  // ---- conntrack path --------------------------------------------------------------------
  // tcf_ct_flow_table_fill_tuple_ipv4 refuses packets with TTL <= 1, so these take nf_conntrack_in.
  gen.ttl = 1;
  gen.send(o.packets / 4);
  const ctSample = samplePaths(sim, () => gen.send(SAMPLE_PACKETS));
  progress(`conntrack path sample: ${percent(ctSample.conntrack, SAMPLE_PACKETS)} conntrack lookups`);
  const ctNs = await time(names.ct, () => gen.send(o.packets));
  gen.ttl = DEFAULT_TRAFFIC.ttl;
  o.emit(
    rateFigure(
      names.ct,
      (o.packets * 1e9) / ctNs,
      SW_TARGET_PPS,
      b,
      `packets of established connections with IP TTL 1, which act_ct keeps off the flowtable (tcf_ct_flow_table_fill_tuple_ipv4), so each goes through nf_conntrack_in; sampled ${percent(ctSample.conntrack, SAMPLE_PACKETS)} conntrack lookups`,
    ),
  );

  // ---- events with a listener ------------------------------------------------------------
  let events = 0;
  const off = sim.subscribe(() => {
    events++;
  });
  const evNs = await time(names.events, () => gen.send(o.packets));
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

  // ---- heavy-tailed mix over the full table ---------------------------------------------
  const mixConns = Math.max(1, Math.round(o.conns / 10));
  const mix = new TrafficGenerator(host, {
    ...trafficSpec(mixConns),
    src: { family: 4, addr: 0xcb007100, len: 24 }, // 203.0.113.0/24: other clients than the established ones
    flowSize: DEFAULT_TRAFFIC.flowSize,
    order: 'random',
  });
  mix.send(o.packets / 2);
  const mixSample = samplePaths(sim, () => mix.send(SAMPLE_PACKETS));
  const mixNs = await time(names.sw, () => mix.send(o.packets));
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
