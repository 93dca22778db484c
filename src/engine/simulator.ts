/**
 * The facade: parses scripts, executes commands against the datapath in virtual time, and
 * streams events. It never throws for bad input: the first bad line stops the run with a
 * positioned error and leaves the state the earlier lines built.
 */
import { Conntrack } from './conntrack/conntrack';
import { Datapath, type Outcome } from './datapath';
import { Endpoints, summarize } from './endpoints';
import { Env } from './env';
import type { Listener } from './events';
import { Flowtables } from './flowtable/flowtables';
import { HW_SETTINGS, HwModel } from './hw/model';
import { Warmup } from './warmup';
import { Devices } from './model/devices';
import type { Packet } from './model/packet';
import { PROFILES, isProfileName, unknownProfileMessage } from './profile';
import { renderConntrackCount, renderConntrackList, renderConntrackStats, renderProcConntrack } from './render/conntrack';
import { ConntrackTools, type ToolResult } from './conntrack_tools';
import { PcapTap } from './pcap/tap';
import type { PcapngWriter } from './pcap/pcapng';
import { Rng } from './rng';
import type { Command, PacketSpec, SimError, Span } from './script/ast';
import { ScriptRun } from './script_run';
import { ActCt } from './tc/act_ct_impl';
import { Tc } from './tc/tc';
import { DEFAULT_TRAFFIC, TrafficGenerator, validateTraffic, type TrafficHost, type TrafficSpec } from './traffic/generator';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from './model/packet';
import type { Micros } from './clock';
import { PATH_CLASSES, type LastPacket } from './path';
import { evaluateExpect, type ExpectResult } from './expect';

export interface RunResult {
  /** Output of each show command, in order; each ends with a newline. */
  outputs: string[];
  /** Script line of each output's command. */
  outputLines: number[];
  /** The result of each `expect`, in the order the run reached them (failed ones do not stop it). */
  expects: ExpectResult[];
  /** The first error; nothing after the bad line ran. */
  error?: SimError;
}

export interface SimulatorOptions {
  seed?: number;
}

/** The result of one command: its output, or an error pointing at a span. */
export type ExecResult = { output?: string; expect?: ExpectResult } | { error: { span: Span; message: string } };

const MAX_SLEEP_US = 10 * 365 * 86400 * 1_000_000;
/** Most packets of generated traffic in one unit (a millisecond of traffic at most). */
const MAX_TRAFFIC_SLICE = 4096;

/** Commands carried out in several units (see Simulator.start). */
export type MultiStepCommand = Extract<Command, { kind: 'send' | 'connect' | 'sleep' | 'traffic' }>;

/** One packet of a `connect` exchange: who sends it, its TCP flags and payload length. */
interface ConnectStep {
  fromClient: boolean;
  flags: number;
  len: number;
}

interface ProgressBase {
  /** Script line of the command. */
  line: number;
  done: boolean;
}
export interface SleepProgress extends ProgressBase {
  kind: 'sleep';
  end: Micros;
}
export interface SendProgress extends ProgressBase {
  kind: 'send';
  dev: string;
  spec: PacketSpec;
  count: number;
  interval: number;
  start: Micros;
  sent: number;
}
export interface ConnectProgress extends ProgressBase {
  kind: 'connect';
  cmd: Extract<Command, { kind: 'connect' }>;
  steps: ConnectStep[];
  next: number;
  /** Where the server's packets enter, and with which addresses (learnt from the first delivery). */
  serverDev: string | null;
  server: { src: number; sport: number; dst: number; dport: number };
}
export interface TrafficProgress extends ProgressBase {
  kind: 'traffic';
  gen: TrafficGenerator;
  /** Packets still to send, and how many make one unit. */
  left: number;
  chunk: number;
}
/** What is left of a multi-step command: plain data, so a fork of the simulator copies it. */
export type Progress = SleepProgress | SendProgress | ConnectProgress | TrafficProgress;

/** What one unit of a multi-step command did. */
export type Unit = 'timer' | 'packet' | 'traffic' | 'clock';
const TIMER: Unit = 'timer';
const PACKET: Unit = 'packet';
const TRAFFIC: Unit = 'traffic';
const CLOCK: Unit = 'clock';

/** The packets of a `connect`: handshake, N requests each answered, the close. */
function connectSteps(cmd: Extract<Command, { kind: 'connect' }>): ConnectStep[] {
  const steps: ConnectStep[] = [];
  if (cmd.proto === 'tcp') {
    steps.push({ fromClient: true, flags: TCP_SYN, len: 0 }, { fromClient: false, flags: TCP_SYN | TCP_ACK, len: 0 }, { fromClient: true, flags: TCP_ACK, len: 0 });
    for (let i = 0; i < cmd.dataPackets; i++) {
      steps.push({ fromClient: true, flags: TCP_PSH | TCP_ACK, len: cmd.len }, { fromClient: false, flags: TCP_ACK, len: 0 });
    }
    if (cmd.close === 'fin') {
      steps.push({ fromClient: true, flags: TCP_FIN | TCP_ACK, len: 0 }, { fromClient: false, flags: TCP_FIN | TCP_ACK, len: 0 }, { fromClient: true, flags: TCP_ACK, len: 0 });
    } else if (cmd.close === 'rst') {
      steps.push({ fromClient: true, flags: TCP_RST | TCP_ACK, len: 0 });
    }
  } else {
    steps.push({ fromClient: true, flags: 0, len: cmd.len }, { fromClient: false, flags: 0, len: cmd.len });
    for (let i = 0; i < cmd.dataPackets; i++) steps.push({ fromClient: true, flags: 0, len: cmd.len }, { fromClient: false, flags: 0, len: cmd.len });
  }
  return steps;
}

export class Simulator implements TrafficHost {
  readonly env: Env;
  readonly devices = new Devices();
  readonly conntrack: Conntrack;
  readonly flowtables: Flowtables;
  readonly tc: Tc;
  readonly endpoints: Endpoints;
  readonly datapath: Datapath;
  /** The switchdev NIC, the OVS datapath and the throughput model. */
  readonly hw: HwModel;
  /** Cache warm-up for the traffic generator's bursts (TrafficHost). */
  readonly warmup: Warmup;
  private lastOutcome: Outcome | null = null;
  /** `conntrack -E &` watchers and the table-changing conntrack commands. */
  private readonly conntrackTools: ConntrackTools;
  /** Packets injected so far by path class (PATH_SW … PATH_DROP). */
  readonly paths = new Float64Array(PATH_CLASSES);
  /** How the last injected packet's journey ended (`expect last …`). */
  readonly last: LastPacket = { pkt: 0, path: -1, end: 'none', dev: '', target: '', reason: '' };
  /** Timers fired so far. */
  timersFired = 0;
  /** Trace only the first packet of each millisecond of generated traffic (see sendTraffic). */
  sampleTraffic = false;

  constructor(opts: SimulatorOptions = {}) {
    this.env = new Env(opts.seed ?? 1);
    this.conntrack = new Conntrack(this.env);
    this.flowtables = new Flowtables(this.env, this.conntrack);
    this.conntrack.onDestroy = (ct) => {
      this.hw.nic.forgetCt(ct);
      this.flowtables.forgetCt(ct, this.conntrack.zone(ct));
    };
    this.conntrackTools = new ConntrackTools(this.conntrack);
    this.endpoints = new Endpoints(this.env);
    this.hw = new HwModel({
      env: this.env,
      devices: this.devices,
      conntrack: this.conntrack,
      flowtables: this.flowtables,
      endpoints: this.endpoints,
      sink: {
        deliver: (pkt, dev, to, target, where) => this.datapath.deliver(pkt, dev, to, target, where),
        drop: (pkt, dev, reason, where) => this.datapath.drop(pkt, dev, reason, where),
      },
    });
    const actCt = new ActCt(this.env, this.conntrack, this.flowtables);
    this.tc = new Tc({
      env: this.env,
      devices: this.devices,
      conntrack: this.conntrack,
      actCt,
      mirred: (pkt, dev, direction, mirror) => this.datapath.mirred(pkt, dev, direction, mirror),
      offloadFilter: (dev, filter) => this.hw.nic.offloadFilter(dev, filter),
      onFilterRemoved: (dev, filter) => this.hw.nic.onFilterRemoved(dev, filter),
    });
    this.datapath = new Datapath(this.env, this.devices, this.conntrack, this.endpoints, this.tc);
    this.datapath.hw = this.hw.nic.pipeline;
    this.datapath.ovs = this.hw.ovs;
    this.datapath.onOutcome = (_pkt, o) => {
      this.lastOutcome = o;
    };
    this.warmup = new Warmup(this.conntrack, this.flowtables, this.hw.nic.table);
  }

  /**
   * Records the frames the host's devices see (`dev`: one device only, as `tcpdump -i DEV`)
   * into a pcapng capture; see Datapath.capture for where frames are seen.
   */
  startCapture(dev?: string): PcapngWriter {
    const tap = new PcapTap(this.env, dev);
    this.datapath.capture = tap;
    return tap.pcap;
  }

  subscribe(fn: Listener): () => void {
    return this.env.events.subscribe(fn);
  }

  /**
   * What `conntrack -E &` watchers printed since the last call: ScriptRun puts it first in the
   * output of the command during which it was printed.
   */
  takeWatched(): string {
    return this.conntrackTools.takePrinted();
  }

  /** Parses and runs a whole script in virtual time. Never throws for bad input. */
  run(text: string): RunResult {
    const run = ScriptRun.fromText(this, text);
    while (!run.done) run.step();
    return { outputs: run.outputs, outputLines: run.outputLines, expects: run.expects, ...(run.error ? { error: run.error } : {}) };
  }

  /**
   * `sysctl -w A=1 B=2` is one line but several commands: all are checked before the first is
   * applied, so a rejected line changes nothing.
   */
  checkSysctlLine(commands: readonly Command[], first: number): ExecResult | null {
    const line = commands[first].span.line;
    for (let i = first; i < commands.length && commands[i].span.line === line; i++) {
      const c = commands[i];
      if (c.kind !== 'sysctl') continue;
      const err = this.env.sysctl.check(c.key.value, c.value.value);
      if (err) return { error: { span: c.key.span, message: `sysctl: ${err}` } };
    }
    return null;
  }

  /** `! COMMAND`: succeeds when the command fails, printing its error; fails when it succeeds. */
  private expectFail(cmd: Extract<Command, { kind: 'expect.fail' }>): ExecResult {
    const group = this.checkSysctlLine(cmd.commands, 0);
    if (group && 'error' in group) return { output: `${group.error.message}\n` };
    for (const inner of cmd.commands) {
      const r = this.execSafely(inner);
      if ('error' in r) return { output: `${r.error.message}\n` };
    }
    return { error: { span: cmd.span, message: 'expected this command to fail ("!"), but it succeeded' } };
  }

  /** Executes one command; an internal failure becomes an error at the command, never an exception. */
  execSafely(cmd: Command): ExecResult {
    try {
      return this.exec(cmd);
    } catch (e) {
      return { error: { span: cmd.span, message: `internal error: ${e instanceof Error ? e.message : String(e)}` } };
    }
  }

  exec(cmd: Command): ExecResult {
    switch (cmd.kind) {
      case 'tc.qdisc':
      case 'tc.filter.add':
      case 'tc.filter.del':
      case 'tc.filter.show':
      case 'tc.chain':
      case 'tc.actions.add':
      case 'tc.actions.del':
      case 'tc.actions.flush':
      case 'tc.actions.ls':
        return this.tc.exec(cmd);
      case 'ip.link.add':
        return this.linkAdd(cmd);
      case 'ip.link.del':
        return this.linkDel(cmd);
      case 'ethtool.feature': {
        const dev = this.devices.get(cmd.dev.value);
        if (!dev) return { error: { span: cmd.dev.span, message: `Cannot get device feature names: No such device "${cmd.dev.value}"` } };
        const refused = this.hw.nic.setHwTcOffload(dev.name, cmd.on);
        return refused ? { error: { span: cmd.span, message: refused } } : {};
      }
      case 'sysctl': {
        const err = this.env.sysctl.set(cmd.key.value, cmd.value.value);
        if (err) return { error: { span: cmd.key.span, message: `sysctl: ${err}` } };
        return {};
      }
      case 'send':
      case 'connect':
      case 'traffic':
      case 'sleep': {
        const started = this.start(cmd);
        if ('error' in started) return started;
        while (!started.progress.done) this.advanceProgress(started.progress);
        return {};
      }
      case 'conntrack.list':
        this.advance(this.env.now());
        return { output: renderConntrackList(this.conntrack, cmd.filter, cmd.output) };
      case 'conntrack.delete':
        this.advance(this.env.now());
        return this.toolResult(cmd.span, this.conntrackTools.delete(cmd.filter, cmd.output, this.conntrack.behaviour.ctnetlinkDeletesOffloaded));
      case 'conntrack.update':
        this.advance(this.env.now());
        return this.toolResult(cmd.span, this.conntrackTools.updateMark(cmd.filter, cmd.mark, cmd.output));
      case 'conntrack.events':
        this.conntrackTools.watch(cmd.filter, cmd.eventMask, cmd.output);
        return {};
      case 'kill':
        return this.toolResult(cmd.job?.span ?? cmd.span, this.conntrackTools.kill(cmd.job?.value, cmd.signal));
      case 'conntrack.stats':
        return { output: renderConntrackStats(this.conntrack.stats, this.conntrack.behaviour.statsIgnore) };
      case 'conntrack.flush':
        this.conntrackTools.flush();
        return {};
      case 'conntrack.count':
        return { output: renderConntrackCount(this.conntrack) };
      case 'proc.conntrack':
        return { output: renderProcConntrack(this.conntrack) };
      case 'echo':
        return { output: `${cmd.text}\n` };
      case 'expect.fail':
        return this.expectFail(cmd);
      case 'expect':
        // Timers due by now fire first, as for the show commands: the state is the one at this time.
        this.advance(this.env.now());
        return { expect: evaluateExpect(this, cmd) };
      case 'sim.set':
        return this.setSim(cmd.key.value, cmd.value.value, cmd.key.span, cmd.value.span);
      case 'sim.show':
        this.advance(this.env.now());
        return { output: this.hw.show(cmd.what) };
    }
  }

  private toolResult(span: Span, r: ToolResult): ExecResult {
    return 'error' in r ? { error: { span, message: r.error } } : r.output ? { output: r.output } : {};
  }

  /** Advances virtual time, firing due timers (each traced as a `timer` event). */
  advanceTo(to: number): void {
    this.advance(to);
  }

  /** A packet id never used before (TrafficHost). */
  newPacketId(): number {
    return this.endpoints.newId();
  }

  /**
   * Starts a command that takes several steps (`send`, `connect`, `sleep`, `traffic`): checks
   * it and returns what is left of it, to be carried out one unit at a time by advanceProgress
   * (a stepper shows each unit; exec runs them all).
   */
  start(cmd: MultiStepCommand): { progress: Progress } | { error: { span: Span; message: string } } {
    const now = this.env.now();
    switch (cmd.kind) {
      case 'sleep':
        return { progress: { kind: 'sleep', end: now + Math.min(MAX_SLEEP_US, Math.round(cmd.seconds * 1_000_000)), line: cmd.span.line, done: false } };
      case 'send': {
        if (!this.devices.has(cmd.dev.value)) return { error: { span: cmd.dev.span, message: `Cannot find device "${cmd.dev.value}"` } };
        const { dev, packet, count, interval } = cmd;
        return { progress: { kind: 'send', dev: dev.value, spec: packet, count, interval, start: now, sent: 0, line: cmd.span.line, done: count === 0 } };
      }
      case 'connect':
        if (!this.devices.has(cmd.dev.value)) return { error: { span: cmd.dev.span, message: `Cannot find device "${cmd.dev.value}"` } };
        return { progress: { kind: 'connect', cmd, steps: connectSteps(cmd), next: 0, serverDev: null, server: { src: cmd.dst, sport: cmd.dport, dst: cmd.src, dport: cmd.sport }, line: cmd.span.line, done: false } };
      case 'traffic':
        return this.startTraffic(cmd);
    }
  }

  /**
   * Carries out one unit of a started command: a timer that is due, one packet, a slice of
   * generated traffic, or the last move of the clock. Units are the same however they are
   * grouped, so stepping through a command ends in the state that exec reaches at once.
   */
  advanceProgress(p: Progress): Unit {
    switch (p.kind) {
      case 'sleep':
        if (this.fireDueTimer(p.end)) return this.finishIfIdle(p, p.end, TIMER);
        this.advance(p.end);
        p.done = true;
        return CLOCK;
      case 'send': {
        const at = p.start + Math.round(p.sent * p.interval * 1_000_000);
        if (this.fireDueTimer(at)) return TIMER;
        this.advance(at);
        this.injectScripted(this.endpoints.build(p.spec, p.dev), p.dev, p.line);
        p.done = ++p.sent === p.count;
        return PACKET;
      }
      case 'connect':
        this.connectStep(p);
        return PACKET;
      case 'traffic': {
        const n = Math.min(p.chunk, p.left);
        this.sendTraffic(p.gen, n);
        p.left -= n;
        p.done = p.left === 0;
        return TRAFFIC;
      }
    }
  }

  /**
   * Sends `n` generated packets. With `sampleTraffic`, only the first packet of the slice is
   * traced (a page shows a sample; a million packets of events would drown it); sending 1 then
   * n-1 is the same as sending n (TrafficGenerator.send), so the state does not depend on it.
   */
  private sendTraffic(gen: TrafficGenerator, n: number): void {
    const bus = this.env.events;
    if (!this.sampleTraffic || !bus.active || n === 1) return gen.send(n);
    gen.send(1);
    bus.setMuted(true);
    try {
      gen.send(n - 1);
    } finally {
      bus.setMuted(false);
    }
  }

  /** Fires the next timer due by `until`, traced; false when none is due. */
  private fireDueTimer(until: Micros): boolean {
    return this.env.clock.fireNext(until, this.onTimer);
  }

  /** A sleep whose last due timer fired exactly at its end needs no further clock move. */
  private finishIfIdle(p: SleepProgress, end: Micros, unit: Unit): Unit {
    if (this.env.now() === end && this.env.clock.nextAt() > end) p.done = true;
    return unit;
  }

  private startTraffic(cmd: Extract<Command, { kind: 'traffic' }>): { progress: Progress } | { error: { span: Span; message: string } } {
    for (const d of [cmd.dev, cmd.replyDev]) {
      if (!this.devices.has(d.value)) return { error: { span: d.span, message: `Cannot find device "${d.value}"` } };
    }
    const { len, ...options } = cmd.options;
    const spec: TrafficSpec = {
      ...DEFAULT_TRAFFIC,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
      ...(len === undefined ? {} : { payload: len }),
      dev: cmd.dev.value,
      replyDev: cmd.replyDev.value,
      line: cmd.span.line,
    };
    const invalid = validateTraffic(spec);
    if (invalid) return { error: { span: cmd.span, message: `traffic: ${invalid}` } };
    const left = Math.round(cmd.duration * spec.rate);
    // A slice is a millisecond of traffic (1 to 4096 packets): the unit a stepper shows.
    const chunk = Math.max(1, Math.min(MAX_TRAFFIC_SLICE, Math.round(spec.rate / 1000)));
    return { progress: { kind: 'traffic', gen: new TrafficGenerator(this, spec), left, chunk, line: cmd.span.line, done: left === 0 } };
  }

  /** Advances virtual time, firing due timers (each traced as a `timer` event). */
  private advance(to: number): void {
    this.env.clock.advanceTo(to, this.onTimer);
  }

  private readonly onTimer = (name: string, at: Micros): void => {
    this.env.pkt = 0;
    this.timersFired++;
    if (this.env.events.active) this.env.events.emit({ kind: 'timer', t: at, pkt: 0, name });
  };

  /** Puts a script packet on `dev`'s ingress; the receiving endpoint learns from it. */
  private injectScripted(pkt: Packet, dev: string, line: number): Outcome | null {
    const outcome = this.inject(pkt, dev, line);
    // The receiving endpoint remembers how far the sender got, for the seq/ack of the script's
    // next packets. Only script packets teach it: generated traffic keeps its own sequence state.
    if (outcome?.kind === 'deliver') this.endpoints.learnDelivered(pkt);
    return outcome;
  }

  /** Puts a packet on `dev`'s ingress now and tells how its journey ended (TrafficHost). */
  inject(pkt: Packet, dev: string, line: number): Outcome | null {
    this.env.pkt = pkt.id;
    this.lastOutcome = null;
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.inject', t: this.env.now(), pkt: pkt.id, dev, summary: summarize(pkt), line });
    }
    this.datapath.receive(pkt, dev);
    this.env.pkt = 0;
    // (Re-read through a cast: TypeScript narrowed the field to null before receive() set it.)
    const outcome = this.lastOutcome as Outcome | null;
    const path = this.hw.nic.pipeline.pathOf(pkt.id, outcome?.kind === 'drop');
    this.paths[path]++;
    const last = this.last;
    last.pkt = pkt.id;
    last.path = path;
    last.end = outcome ? outcome.kind : 'none';
    last.dev = outcome ? outcome.dev : '';
    last.target = outcome ? outcome.target : '';
    last.reason = outcome?.reason ?? '';
    return outcome;
  }

  /**
   * One packet of a `connect` exchange. Each reply comes from where the previous packet went:
   * a packet delivered to vmN is answered on repN's ingress, one put on the wire comes back on
   * the uplink. The exchange ends early when a packet is dropped or ends in the host stack.
   */
  private connectStep(p: ConnectProgress): void {
    const cmd = p.cmd;
    const step = p.steps[p.next++];
    const dev = step.fromClient ? cmd.dev.value : p.serverDev!;
    const addr = step.fromClient ? { src: cmd.src, sport: cmd.sport, dst: cmd.dst, dport: cmd.dport } : p.server;
    const spec: PacketSpec = { proto: cmd.proto, family: cmd.family, ...addr, flags: cmd.proto === 'tcp' ? step.flags : undefined, len: step.len, ttl: 64, tos: 0 };
    const pkt = this.endpoints.build(spec, dev);
    const out = this.injectScripted(pkt, dev, cmd.span.line);
    let goesOn = out !== null && out.kind === 'deliver' && out.to !== 'host';
    if (goesOn && step.fromClient && p.serverDev === null) {
      // The server sees the packet as delivered (after any NAT) and answers it.
      p.serverDev = this.replyDevice(out!);
      p.server = { src: pkt.dst, sport: pkt.dport, dst: pkt.src, dport: pkt.sport };
    }
    // The next packet needs somewhere to enter: the server's side is known once it answered.
    if (goesOn && p.next < p.steps.length && !p.steps[p.next].fromClient && p.serverDev === null) goesOn = false;
    p.done = !goesOn || p.next === p.steps.length;
  }

  /** Where an answer to a delivered packet enters the host. */
  private replyDevice(o: Outcome): string | null {
    if (o.to === 'wire') return 'uplink';
    if (o.to === 'vm') return this.devices.repOfVm(o.target)?.name ?? null;
    return null;
  }

  private linkAdd(cmd: Extract<Command, { kind: 'ip.link.add' }>): ExecResult {
    const name = cmd.name.value;
    if (this.devices.has(name)) return { error: { span: cmd.name.span, message: 'RTNETLINK answers: File exists' } };
    switch (cmd.type) {
      case 'vxlan':
        this.devices.add({ name, kind: 'vxlan', vni: cmd.vni, external: cmd.external, dstPort: cmd.dstPort, local: cmd.local, remote: cmd.remote, hwTcOffload: false, onNic: false });
        return {};
      case 'veth':
        if (this.devices.has(cmd.peer.value)) return { error: { span: cmd.peer.span, message: 'RTNETLINK answers: File exists' } };
        this.devices.add({ name, kind: 'veth', peer: cmd.peer.value, hwTcOffload: false, onNic: false });
        this.devices.add({ name: cmd.peer.value, kind: 'veth', peer: name, hwTcOffload: false, onNic: false });
        return {};
      case 'dummy':
        this.devices.add({ name, kind: 'dummy', hwTcOffload: false, onNic: false });
        return {};
    }
  }

  private linkDel(cmd: Extract<Command, { kind: 'ip.link.del' }>): ExecResult {
    const dev = this.devices.get(cmd.name.value);
    if (!dev) return { error: { span: cmd.name.span, message: `Cannot find device "${cmd.name.value}"` } };
    if (dev.onNic) return { error: { span: cmd.name.span, message: 'RTNETLINK answers: Operation not supported' } };
    const names = dev.kind === 'veth' && dev.peer ? [dev.name, dev.peer] : [dev.name];
    for (const n of names) {
      this.tc.removeDevice(n);
      this.devices.remove(n);
    }
    return {};
  }

  private setSim(key: string, value: string, keySpan: Span, valueSpan: Span): ExecResult {
    switch (key) {
      case 'seed': {
        if (!/^\d+$/.test(value)) return { error: { span: valueSpan, message: `invalid seed "${value}": expected a non-negative integer` } };
        this.env.rng = new Rng(Number(value));
        return {};
      }
      case 'profile': {
        if (!isProfileName(value)) return { error: { span: valueSpan, message: unknownProfileMessage(value) } };
        this.env.profile = PROFILES[value];
        return {};
      }
      default: {
        const err = this.hw.set(key, value);
        if (err === undefined) return { error: { span: keySpan, message: `unknown setting "${key}" (known: seed, profile, ${HW_SETTINGS.join(', ')})` } };
        return err === null ? {} : { error: { span: valueSpan, message: err } };
      }
    }
  }
}
