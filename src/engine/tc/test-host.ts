/**
 * A TcHost for tc's tests: a conntrack reduced to the accessors flower reads, an act_ct that
 * records its calls and puts a scripted ct on the packet, and a NIC that accepts or refuses
 * offloads as told. Packets are built with plain defaults.
 */
import type { Conntrack } from '../conntrack/conntrack';
import { Env } from '../env';
import { Devices } from '../model/devices';
import { CtInfo, ETH_P_IP, IPPROTO_TCP, newMeta, TCP_ACK, type Packet } from '../model/packet';
import { DEFAULT_PROFILE, PROFILES, type ProfileName } from '../profile';
import type { CtActionSpec, Label } from '../script/ast';
import { parseScript } from '../script/parse';
import type { ActCtApi, CtActionState } from './act_ct';
import type { HwOffloadResult, TcHost } from './host';
import type { Filter } from './objects';
import type { Tc, TcCommand, TcExecResult } from './tc';

interface FakeEntry {
  zone: number;
  mark: number;
  label: Label;
}

/** The conntrack accessors flower and act_ct's tc side use, over a list of fake entries. */
export class FakeConntrack {
  readonly entries: FakeEntry[] = [];

  add(zone: number, mark = 0, label: Label = [0, 0, 0, 0]): number {
    this.entries.push({ zone, mark, label });
    return this.entries.length - 1;
  }
  zone(ct: number): number {
    return this.entries[ct].zone;
  }
  mark(ct: number): number {
    return this.entries[ct].mark;
  }
  label(ct: number): Label {
    return this.entries[ct].label;
  }
}

/** What the fake act_ct does to the next packets: track them with this ctinfo, find them invalid, or drop. */
export interface CtOutcome {
  ctinfo?: CtInfo;
  invalid?: boolean;
  verdict?: number;
  mark?: number;
}

export class FakeActCt implements ActCtApi {
  readonly log: string[] = [];
  /** When set, init refuses with this extack text. */
  refuse: string | null = null;
  outcome: CtOutcome = {};

  constructor(private readonly conntrack: FakeConntrack) {}

  init(spec: CtActionSpec): CtActionState | string {
    if (this.refuse) return this.refuse;
    this.log.push(`init zone ${spec.zone}`);
    return { spec };
  }

  release(state: CtActionState): void {
    this.log.push(`release zone ${state.spec.zone}`);
  }

  act(state: CtActionState, pkt: Packet, control: number): number {
    const spec = state.spec;
    this.log.push(`act zone ${spec.zone}`);
    const meta = pkt.meta;
    if (spec.clear) {
      meta.ct = -1;
      meta.ctinfo = CtInfo.UNTRACKED;
      meta.postCt = false;
      return control;
    }
    const o = this.outcome;
    if (o.verdict !== undefined) return o.verdict;
    meta.ct = o.invalid ? -1 : this.conntrack.add(spec.zone, o.mark ?? 0);
    meta.ctinfo = o.invalid ? CtInfo.UNTRACKED : (o.ctinfo ?? CtInfo.NEW);
    meta.postCt = true;
    meta.zone = spec.zone;
    return control;
  }
}

export interface TestHost {
  host: TcHost;
  env: Env;
  devices: Devices;
  conntrack: FakeConntrack;
  actCt: FakeActCt;
  /** `offload dev handle` / `removed dev handle` / `mirred dev direction mode pkt` lines. */
  calls: string[];
  /** What the NIC answers to the next offloads. */
  nic: HwOffloadResult;
}

export function testHost(profile: ProfileName = DEFAULT_PROFILE): TestHost {
  const env = new Env(1);
  env.profile = PROFILES[profile];
  const devices = new Devices();
  const conntrack = new FakeConntrack();
  const actCt = new FakeActCt(conntrack);
  const t: TestHost = {
    env,
    devices,
    conntrack,
    actCt,
    calls: [],
    nic: { inHwCount: 0 },
    host: {
      env,
      devices,
      conntrack: conntrack as unknown as Conntrack,
      actCt,
      mirred: (pkt, dev, direction, mirror) => t.calls.push(`mirred ${dev} ${direction} ${mirror ? 'mirror' : 'redirect'} pkt ${pkt.id}`),
      offloadFilter: (dev: string, f: Filter) => {
        t.calls.push(`offload ${dev} 0x${f.handle.toString(16)}`);
        return t.nic;
      },
      onFilterRemoved: (dev: string, f: Filter) => {
        t.calls.push(`removed ${dev} 0x${f.handle.toString(16)}`);
      },
    },
  };
  return t;
}

let nextId = 1;

/** A TCP/IPv4 packet arriving on rep0, with fields overridable. */
export function packet(fields: Partial<Omit<Packet, 'meta'>> = {}, indev = 'rep0'): Packet {
  return {
    id: nextId++,
    family: 4,
    srcMac: 0x020000000001,
    dstMac: 0x020000000002,
    ethType: ETH_P_IP,
    src: 0x0a000001,
    dst: 0x0a000002,
    proto: IPPROTO_TCP,
    ttl: 64,
    tos: 0,
    sport: 40000,
    dport: 80,
    tcpFlags: TCP_ACK,
    seq: 1,
    ack: 1,
    win: 65535,
    payloadLen: 0,
    icmp: null,
    vxlan: null,
    ...fields,
    meta: newMeta(indev),
  };
}

/** Parses one command line (the real parser) and runs it; a parse error throws. */
export function tcExec(tc: Tc, line: string): TcExecResult {
  const parsed = parseScript(line);
  if (!parsed.ok) throw new Error(`parse error in "${line}": ${parsed.error.message}`);
  const cmd = parsed.commands[0];
  if (!cmd.kind.startsWith('tc.')) throw new Error(`not a tc command: ${line}`);
  return tc.exec(cmd as TcCommand);
}

/** Runs tc command lines that must all succeed; returns their joined output. */
export function tcOk(tc: Tc, ...lines: string[]): string {
  let out = '';
  for (const line of lines) {
    const r = tcExec(tc, line);
    if ('error' in r) throw new Error(`"${line}" failed: ${r.error.message}`);
    out += r.output ?? '';
  }
  return out;
}

/** The error message of a tc command line that must fail. */
export function tcError(tc: Tc, line: string): string {
  const r = tcExec(tc, line);
  if (!('error' in r)) throw new Error(`"${line}" succeeded`);
  return r.error.message;
}
