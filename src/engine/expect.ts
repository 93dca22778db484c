/**
 * `expect`: an assertion checked against the engine's own state when the run reaches it —
 * conntrack entries by original tuple (and zone), a filter's counters as `tc -s filter show`
 * reports them, table sizes, and how the last injected packet's journey went. A result names
 * what was expected (the assertion as written) and what was found; a failed one does not
 * stop the run (ScriptRun collects the results, the CLI exits 1 at the end).
 */
import { DIR_ORIGINAL, IPS_ASSURED, IPS_HW_OFFLOAD, IPS_OFFLOAD, IPS_SEEN_REPLY } from './conntrack/conntrack';
import { TCP_STATE_NAMES } from './conntrack/types';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from './model/packet';
import { PATH_NAMES } from './path';
import type { Command, ExpectCheck, ExpectCtFlag, ExpectTuple, Masked } from './script/ast';
import { IPPROTO_ICMPV6 } from './script/protocols';
import { ctStateString } from './tc/flower';
import type { Filter } from './tc/objects';
import type { Simulator } from './simulator';

export interface ExpectResult {
  line: number;
  col: number;
  ok: boolean;
  /** The assertion as written (`expect conntrack tcp …`). */
  expected: string;
  /** What the state showed, in the assertion's words (only the facts that differ, when it failed). */
  found: string;
  /** `line L, col C: EXPECTED: found FOUND` for a failure, `line L, col C: EXPECTED: ok` otherwise. */
  message: string;
}

type ExpectCommand = Extract<Command, { kind: 'expect' }>;
type Check<K extends ExpectCheck['kind']> = Extract<ExpectCheck, { kind: K }>;
/** A check's verdict: whether it held, and what was found. */
type Verdict = [ok: boolean, found: string];

const PROTO_NUMBERS: Record<ExpectTuple['proto'], number> = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, icmp: IPPROTO_ICMP, icmp6: IPPROTO_ICMPV6 };

const FLAG_BITS: readonly (readonly [ExpectCtFlag, number])[] = [
  ['ASSURED', IPS_ASSURED],
  ['OFFLOAD', IPS_OFFLOAD],
  ['HW_OFFLOAD', IPS_HW_OFFLOAD],
];

/** Status flags as conntrack -L brackets them, in its order; `none` for the empty set. */
function flagsText(flags: readonly string[]): string {
  return flags.length ? flags.join(',') : 'none';
}

/** The entry's flags, from the status ctnetlink dumps (HW_OFFLOAD only where the profile's kernel has it). */
function entryFlags(sim: Simulator, slot: number): ExpectCtFlag[] {
  const status = sim.conntrack.dumpedStatus(slot);
  const flags: ExpectCtFlag[] = status & IPS_SEEN_REPLY ? [] : ['UNREPLIED'];
  for (const [name, bit] of FLAG_BITS) if (status & bit) flags.push(name);
  return flags;
}

/** Entries whose original tuple (and zone, when given) match; a port of -1 matches any. */
function findEntries(sim: Simulator, zone: number | undefined, t: ExpectTuple): number[] {
  const ct = sim.conntrack;
  const proto = PROTO_NUMBERS[t.proto];
  const icmp = t.proto === 'icmp' || t.proto === 'icmp6';
  const found: number[] = [];
  ct.forEach((slot) => {
    if (zone !== undefined && ct.zone(slot) !== zone) return;
    if (ct.proto(slot) !== proto || ct.family(slot) !== t.family) return;
    const o = ct.tuple(slot, DIR_ORIGINAL);
    if (o.src !== t.src || o.dst !== t.dst) return;
    if (!icmp && ((t.sport >= 0 && o.sport !== t.sport) || (t.dport >= 0 && o.dport !== t.dport))) return;
    found.push(slot);
  });
  return found;
}

function zonesText(sim: Simulator, slots: readonly number[]): string {
  return slots.map((s) => sim.conntrack.zone(s)).join(', ');
}

function conntrackEntry(sim: Simulator, c: Check<'conntrack.entry'>): Verdict {
  const slots = findEntries(sim, c.zone, c.tuple);
  if (slots.length === 0) return [false, 'no entry'];
  if (slots.length > 1) return [false, `${slots.length} entries (zones ${zonesText(sim, slots)}): name the zone or the ports`];
  const slot = slots[0];
  const ct = sim.conntrack;
  const wrong: string[] = [];
  const state = TCP_STATE_NAMES[ct.tcpState(slot)];
  if (c.state !== undefined && state !== c.state) wrong.push(`state ${state}`);
  if (c.flags) {
    const flags = entryFlags(sim, slot);
    const same = flags.length === c.flags.length && c.flags.every((f) => flags.includes(f));
    if (!same) wrong.push(`flags ${flagsText(flags)}`);
  }
  if (c.mark !== undefined && ct.mark(slot) !== c.mark) wrong.push(`mark ${ct.mark(slot)}`);
  return wrong.length ? [false, wrong.join(' ')] : [true, describeEntry(sim, slot)];
}

function describeEntry(sim: Simulator, slot: number): string {
  const ct = sim.conntrack;
  const state = ct.proto(slot) === IPPROTO_TCP ? `state ${TCP_STATE_NAMES[ct.tcpState(slot)]} ` : '';
  return `${state}flags ${flagsText(entryFlags(sim, slot))} mark ${ct.mark(slot)} zone ${ct.zone(slot)}`;
}

function conntrackAbsent(sim: Simulator, c: Check<'conntrack.absent'>): Verdict {
  const slots = findEntries(sim, c.zone, c.tuple);
  if (slots.length === 0) return [true, 'no entry'];
  return [false, slots.length === 1 ? `an entry with ${describeEntry(sim, slots[0])}` : `${slots.length} entries (zones ${zonesText(sim, slots)})`];
}

function conntrackCount(sim: Simulator, c: Check<'conntrack.count'>): Verdict {
  let n = 0;
  if (c.zone === undefined) n = sim.conntrack.count();
  else sim.conntrack.forEach((slot) => (n += sim.conntrack.zone(slot) === c.zone ? 1 : 0));
  return count(n, c.count);
}

function count(found: number, expected: number, word = 'count'): Verdict {
  return [found === expected, `${word} ${found}`];
}

/** The filters at the check's place (device, hook, chain, prio, and handle when given). */
function findFilters(sim: Simulator, c: Check<'filter'>): Filter[] {
  const qdisc = sim.tc.qdisc(c.dev.value);
  const block = c.hook === 'ingress' ? qdisc?.ingress : qdisc?.egress;
  const chain = block?.chain(c.chain);
  const out: Filter[] = [];
  for (const tp of chain?.tps ?? []) {
    if (tp.prio !== c.prio) continue;
    for (const f of tp.filters) if (c.handle === undefined || f.handle === c.handle) out.push(f);
  }
  return out;
}

/**
 * `tc -s filter show` prints a filter's statistics under its actions (each action's own
 * counters, the first one's being what a reader looks at); a filter without actions has only
 * its own.
 */
function filterCheck(sim: Simulator, c: Check<'filter'>): Verdict {
  const filters = findFilters(sim, c);
  if (filters.length === 0) return [false, 'no filter'];
  if (filters.length > 1) return [false, `${filters.length} filters (handles ${filters.map((f) => `0x${f.handle.toString(16)}`).join(', ')}): name the handle`];
  const f = filters[0];
  const counted = f.actions[0] ?? f;
  const inHw = f.inHwCount > 0 ? 'in_hw' : 'not_in_hw';
  const wrong: string[] = [];
  if (c.sw !== undefined && counted.swPackets !== c.sw) wrong.push(`sw ${counted.swPackets}`);
  if (c.hw !== undefined && counted.hwPackets !== c.hw) wrong.push(`hw ${counted.hwPackets}`);
  if (c.inHw !== undefined && c.inHw !== f.inHwCount > 0) wrong.push(inHw);
  return wrong.length ? [false, wrong.join(' ')] : [true, `sw ${counted.swPackets} hw ${counted.hwPackets} ${inHw}`];
}

/** The last packet's path class, where it missed and what was restored, in the assertion's words. */
function describePath(sim: Simulator): string {
  const last = sim.last;
  const p = sim.hw.nic.pipeline;
  let out = PATH_NAMES[last.path];
  if (p.missPkt !== last.pkt) return out;
  out += ` missed chain ${p.missChain}`;
  const restored = restoredFacts(sim);
  return restored.length ? `${out} restored ${restored.join(' ')}` : out;
}

function restoredFacts(sim: Simulator): string[] {
  const p = sim.hw.nic.pipeline;
  const facts: string[] = [];
  if (p.missChain > 0) facts.push(`chain ${p.missChain}`);
  if (p.missState >= 0) facts.push(`ct_state ${ctStateString(p.missState)}`, `zone ${p.missZone}`);
  if (p.missTunnel >= 0) facts.push(`tunnel_id ${p.missTunnel}`);
  return facts;
}

const maskedHolds = (bits: number, m: Masked): boolean => (bits & m.mask) === m.value;

function lastPath(sim: Simulator, c: Check<'last.path'>): Verdict {
  const last = sim.last;
  if (last.path < 0) return [false, 'no packet sent yet'];
  const p = sim.hw.nic.pipeline;
  const missed = p.missPkt === last.pkt;
  const r = c.restored;
  const ok =
    PATH_NAMES[last.path] === c.path &&
    (c.missedChain === undefined || (missed && p.missChain === c.missedChain)) &&
    (r.chain === undefined || (missed && p.missChain > 0 && p.missChain === r.chain)) &&
    (r.ctState === undefined || (missed && p.missState >= 0 && maskedHolds(p.missState, r.ctState))) &&
    (r.zone === undefined || (missed && p.missState >= 0 && p.missZone === r.zone)) &&
    (r.tunnelId === undefined || (missed && p.missTunnel === r.tunnelId));
  return [ok, describePath(sim)];
}

function describeEnd(sim: Simulator): string {
  const last = sim.last;
  if (last.path < 0) return 'no packet sent yet';
  switch (last.end) {
    case 'deliver':
      return `delivered ${last.target} on ${last.dev}`;
    case 'drop':
      return `dropped on ${last.dev}: ${JSON.stringify(last.reason)}`;
    case 'none':
      return 'no delivery and no drop';
  }
}

/** DEV names the device the packet left by, or where it went (a VM, `wire`, `host`). */
function lastDelivered(sim: Simulator, c: Check<'last.delivered'>): Verdict {
  const last = sim.last;
  const hit = last.end === 'deliver' && (c.dev === last.dev || c.dev === last.target || (c.dev === 'host' && last.target === 'host stack'));
  return [hit, describeEnd(sim)];
}

function lastDropped(sim: Simulator, c: Check<'last.dropped'>): Verdict {
  const last = sim.last;
  const hit = last.end === 'drop' && (c.reason === undefined || last.reason.includes(c.reason));
  return [hit, describeEnd(sim)];
}

function verdict(sim: Simulator, c: ExpectCheck): Verdict {
  switch (c.kind) {
    case 'conntrack.entry':
      return conntrackEntry(sim, c);
    case 'conntrack.absent':
      return conntrackAbsent(sim, c);
    case 'conntrack.count':
      return conntrackCount(sim, c);
    case 'filter':
      return filterCheck(sim, c);
    case 'flowtable.count':
      return count(sim.flowtables.get(c.zone)?.size ?? 0, c.count);
    case 'hw.ct.count':
      return count(sim.hw.nic.table.size, c.count);
    case 'hw.queue':
      return count(sim.flowtables.queue.pending, c.count, 'queue');
    case 'last.path':
      return lastPath(sim, c);
    case 'last.delivered':
      return lastDelivered(sim, c);
    case 'last.dropped':
      return lastDropped(sim, c);
  }
}

export function evaluateExpect(sim: Simulator, cmd: ExpectCommand): ExpectResult {
  const [ok, found] = verdict(sim, cmd.check);
  const { line, col } = cmd.span;
  const message = `line ${line}, col ${col}: ${cmd.text}: ${ok ? 'ok' : `found ${found}`}`;
  return { line, col, ok, expected: cmd.text, found, message };
}
