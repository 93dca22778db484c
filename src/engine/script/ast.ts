/**
 * Typed commands: what the parser produces from one script line and what the simulator
 * executes. Every command carries the span of its first token; values that a later runtime
 * check may reject (a device name, a chain) carry their own span so errors point at them.
 */
import type { Family, Prefix } from '../model/addr';

export interface Span {
  /** 1-based line and column of the first character; `end` is the column after the last. */
  line: number;
  col: number;
  end: number;
}

export interface SimError {
  line: number;
  col: number;
  message: string;
}

export interface Spanned<T> {
  value: T;
  span: Span;
}

/** A masked value: matches when (x & mask) === (value & mask). */
export interface Masked {
  value: number;
  mask: number;
}

/** 128-bit ct label as four big-endian 32-bit words (byte 0 is the top byte of word 0). */
export type Label = readonly [number, number, number, number];

export interface MaskedLabel {
  value: Label;
  mask: Label;
}

export interface PortRange {
  min: number;
  max: number;
}

/**
 * TCA_FLOWER_KEY_CT_FLAGS_* bits (include/uapi/linux/pkt_cls.h).
 */
export const CT_FLAG_NEW = 1 << 0;
export const CT_FLAG_ESTABLISHED = 1 << 1;
export const CT_FLAG_RELATED = 1 << 2;
export const CT_FLAG_TRACKED = 1 << 3;
export const CT_FLAG_INVALID = 1 << 4;
export const CT_FLAG_REPLY = 1 << 5;

/** Flower match keys; absent keys are wildcards. */
export interface FlowerKeys {
  indev?: string;
  srcMac?: Masked;
  dstMac?: Masked;
  /** From `protocol` or `eth_type`; absent for `protocol all`. */
  ethType?: number;
  ipProto?: number;
  srcIp?: Prefix;
  dstIp?: Prefix;
  srcPort?: PortRange;
  dstPort?: PortRange;
  tcpFlags?: Masked;
  ipTtl?: Masked;
  ipTos?: Masked;
  ctState?: Masked;
  ctZone?: Masked;
  ctMark?: Masked;
  ctLabel?: MaskedLabel;
  encKeyId?: number;
  encSrcIp?: Prefix;
  encDstIp?: Prefix;
  encDstPort?: number;
  encTos?: Masked;
  encTtl?: Masked;
}

/** tc control verdicts (include/uapi/linux/pkt_cls.h TC_ACT_*), as written after an action. */
export type Control =
  | { kind: 'pipe' }
  | { kind: 'ok' } // "ok" and "pass" are both TC_ACT_OK
  | { kind: 'drop' } // "drop" and "shot"
  | { kind: 'continue' }
  | { kind: 'reclassify' }
  | { kind: 'stolen' }
  | { kind: 'trap' }
  | { kind: 'goto'; chain: number };

export interface NatSpec {
  /** `nat` alone restores an existing mapping; `src`/`dst` set one up on commit. */
  type: 'restore' | 'src' | 'dst';
  /** The family of the address range (IPv6 addresses are ids, model/addr6.ts). */
  family?: Family;
  addrMin?: number;
  addrMax?: number;
  portMin?: number;
  portMax?: number;
}

export interface CtActionSpec {
  kind: 'ct';
  zone: number;
  commit: boolean;
  force: boolean;
  clear: boolean;
  mark?: Masked;
  label?: MaskedLabel;
  nat?: NatSpec;
  helper?: string;
}

export interface GactSpec {
  kind: 'gact';
}

export interface MirredSpec {
  kind: 'mirred';
  mode: 'redirect' | 'mirror';
  direction: 'egress' | 'ingress';
  dev: Spanned<string>;
}

export interface TunnelKeySpec {
  kind: 'tunnel_key';
  op: 'set' | 'unset';
  id?: number;
  src?: number;
  dst?: number;
  dstPort?: number;
  tos?: number;
  ttl?: number;
  noCsum?: boolean;
}

export type PeditField =
  | { layer: 'ip'; field: 'src' | 'dst' | 'ttl' | 'tos' }
  | { layer: 'tcp' | 'udp'; field: 'sport' | 'dport' };

export interface PeditKey {
  target: PeditField;
  op: 'set' | 'add';
  value: number;
}

export interface PeditSpec {
  kind: 'pedit';
  keys: PeditKey[];
}

export interface CsumSpec {
  kind: 'csum';
  /** Header checksums to fix: ip, tcp, udp, icmp … */
  targets: string[];
}

export type ActionBody = CtActionSpec | GactSpec | MirredSpec | TunnelKeySpec | PeditSpec | CsumSpec;

/** One `action …` clause: the action, its control verdict, optional index, and its span. */
export interface ActionSpec {
  body: ActionBody;
  control: Control;
  /** `index N`: shares (or creates) the standalone action with that index. */
  index?: number;
  /** `action ct index N` with no other options: binds to an existing action. */
  bindOnly: boolean;
  /** `cookie HEX` (TCA_ACT_COOKIE, up to 16 bytes), as lowercase hex. */
  cookie?: string;
  /** `no_percpu` (TCA_ACT_FLAGS_NO_PERCPU_STATS). */
  noPercpu?: boolean;
  span: Span;
}

export type Hook = 'ingress' | 'egress';

/** `tc -j` (one line) or `tc -j -p` (iproute2's pretty layout). */
export type JsonMode = 'plain' | 'pretty';

export interface FilterSpec {
  dev: Spanned<string>;
  hook: Hook;
  chain: number;
  prio?: number;
  handle?: number;
  /** ETH_P_* from `protocol`; 0 for `all`. */
  protocol: number;
  keys: FlowerKeys;
  skipHw: boolean;
  skipSw: boolean;
  verbose: boolean;
  /** The `ct_state` value, when given: the kernel's fl_validate_ct_state (5.12+) may refuse it. */
  ctStateSpan?: Span;
  actions: ActionSpec[];
}

export interface PacketSpec {
  /** `icmp6` is ICMPv6 (IPv6 addresses only). */
  proto: 'tcp' | 'udp' | 'icmp' | 'icmp6';
  /** 6 for IPv6 addresses (ids, model/addr6.ts); absent for IPv4. */
  family?: Family;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  /** TCP flags bitmask; defaults to ACK when omitted. */
  flags?: number;
  seq?: number;
  ack?: number;
  win?: number;
  len: number;
  ttl: number;
  tos: number;
  srcMac?: number;
  dstMac?: number;
  icmp?: { type: number; code: number; id: number; seq: number };
  /** The quoted packet of an ICMP error (`inner tcp A:p > B:q`). */
  inner?: PacketSpec;
  /** Outer VXLAN headers (`vxlan vni N src A dst B [dport P]`). */
  vxlan?: { vni: number; src: number; dst: number; dstPort: number };
}

/**
 * The entry filters of conntrack-tools (`nfct_filter`): every given field must match. Addresses
 * of the original direction may be prefixes (`-s 10.0.0.0/24`), the reply ones are exact.
 */
export interface CtFilter {
  proto?: number;
  zone?: number;
  /**
   * `-f ipv4|ipv6`, or the family of an address filter (set_family). Without one conntrack-tools
   * dumps every family: conntrack.c's "default family only for the following commands" leaves
   * CT_LIST at AF_UNSPEC (releases before that change defaulted to AF_INET, as the man page says).
   */
  family?: Family;
  origSrc?: Prefix;
  origDst?: Prefix;
  replySrc?: number;
  replyDst?: number;
  /** --sport/--dport (original direction), --reply-port-src/--reply-port-dst. */
  origSport?: number;
  origDport?: number;
  replySport?: number;
  replyDport?: number;
  /** --mark VALUE[/MASK]: (mark & mask) === value (conntrack-tools mark_cmp). */
  mark?: Masked;
  /** -u/--status: every listed IPS_* bit must be set (nfct_cmp with NFCT_CMP_MASK). */
  status?: number;
}

/** `-o extended,id,userspace`: the NFCT_OF_SHOW_LAYER3 and NFCT_OF_ID output flags, and the [USERSPACE] tag of events. */
export interface CtOutput {
  extended: boolean;
  id: boolean;
  userspace: boolean;
}

/** -e/--event-mask bits (conntrack-tools CT_EVENT_F_*). */
export const CT_EVENT_NEW = 1;
export const CT_EVENT_UPDATE = 2;
export const CT_EVENT_DESTROY = 4;
export const CT_EVENT_ALL = 7;

/** Flow sizes of generated traffic: data segments (TCP) or request/response pairs (UDP) per connection. */
export type FlowSizeSpec =
  | { kind: 'pareto'; alpha: number; min: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'fixed'; segments: number };

/** Options of `traffic`; left out ones take the generator's defaults. */
export interface TrafficOptions {
  conns: number;
  rate: number;
  proto?: 'tcp' | 'udp';
  flowSize?: FlowSizeSpec;
  src?: Prefix;
  dst?: Prefix;
  dport?: number;
  len?: number;
  order?: 'random' | 'round-robin';
  train?: number;
  ttl?: number;
}

/** The original tuple an `expect conntrack` looks an entry up by; a port of -1 matches any. */
export interface ExpectTuple {
  proto: 'tcp' | 'udp' | 'icmp' | 'icmp6';
  family: Family;
  src: number;
  dst: number;
  sport: number;
  dport: number;
}

/** Conntrack status flags an `expect conntrack … flags` names, in conntrack -L's words and print order. */
export const EXPECT_CT_FLAGS = ['UNREPLIED', 'ASSURED', 'OFFLOAD', 'HW_OFFLOAD'] as const;
export type ExpectCtFlag = (typeof EXPECT_CT_FLAGS)[number];

/** Path classes of the last packet (src/engine/path.ts PathClassName). */
export type ExpectPath = 'software' | 'hardware' | 'miss' | 'dropped';

/** What a miss restored, as `expect last path … restored` names it; absent keys are not checked. */
export interface ExpectRestored {
  chain?: number;
  ctState?: Masked;
  zone?: number;
  tunnelId?: number;
}

/** One assertion of `expect` (script/parse-expect.ts), checked against the state when the run reaches it. */
export type ExpectCheck =
  | { kind: 'conntrack.entry'; zone?: number; tuple: ExpectTuple; state?: string; flags?: ExpectCtFlag[]; mark?: number }
  | { kind: 'conntrack.absent'; zone?: number; tuple: ExpectTuple }
  | { kind: 'conntrack.count'; zone?: number; count: number }
  | { kind: 'filter'; dev: Spanned<string>; hook: Hook; chain: number; prio: number; handle?: number; sw?: number; hw?: number; inHw?: boolean }
  | { kind: 'flowtable.count'; zone: number; count: number }
  | { kind: 'hw.ct.count'; count: number }
  | { kind: 'hw.queue'; count: number }
  | { kind: 'last.path'; path: ExpectPath; missedChain?: number; restored: ExpectRestored }
  | { kind: 'last.delivered'; dev: string }
  | { kind: 'last.dropped'; reason?: string };

export type Command =
  | { kind: 'tc.qdisc'; op: 'add' | 'del' | 'replace'; dev: Spanned<string>; qdisc: 'ingress' | 'clsact'; span: Span }
  | { kind: 'tc.filter.add'; op: 'add' | 'replace' | 'change'; filter: FilterSpec; span: Span }
  | { kind: 'tc.filter.del'; dev: Spanned<string>; hook: Hook; chain?: number; prio?: number; handle?: number; span: Span }
  /** `protocol` and `pref` show only those filters, and the printed lines leave them out, as `chain` does. */
  | { kind: 'tc.filter.show'; dev: Spanned<string>; hook: Hook; stats: boolean; chain?: number; protocol?: number; prio?: number; json?: JsonMode; span: Span }
  | { kind: 'tc.chain'; op: 'add' | 'del'; dev: Spanned<string>; hook: Hook; chain: number; span: Span }
  | { kind: 'tc.actions.add'; op: 'add' | 'replace'; actions: ActionSpec[]; span: Span }
  | { kind: 'tc.actions.del'; action: string; index: number; span: Span }
  | { kind: 'tc.actions.flush'; action: string; span: Span }
  | { kind: 'tc.actions.ls'; action: string; stats: boolean; json?: JsonMode; span: Span }
  | { kind: 'ip.link.add'; name: Spanned<string>; type: 'vxlan'; vni?: number; external: boolean; dstPort: number; local?: number; remote?: number; span: Span }
  | { kind: 'ip.link.add'; name: Spanned<string>; type: 'veth'; peer: Spanned<string>; span: Span }
  | { kind: 'ip.link.add'; name: Spanned<string>; type: 'dummy'; span: Span }
  | { kind: 'ip.link.del'; name: Spanned<string>; span: Span }
  | { kind: 'ethtool.feature'; dev: Spanned<string>; feature: 'hw-tc-offload'; on: boolean; span: Span }
  | { kind: 'sysctl'; key: Spanned<string>; value: Spanned<string>; span: Span }
  | { kind: 'send'; dev: Spanned<string>; packet: PacketSpec; count: number; interval: number; span: Span }
  /**
   * `connect dev D tcp|udp SRC:p > DST:q [data N] [len N] [close fin|rst|none]`: a whole exchange
   * (TCP: handshake, N data segments each answered by an ACK, then the close). Each reply is
   * injected where the previous packet was delivered (a packet delivered to vmN comes back on
   * repN's ingress; one sent out of the uplink comes back on the uplink). The exchange stops
   * early when a packet is dropped or ends in the host stack.
   */
  | { kind: 'connect'; dev: Spanned<string>; proto: 'tcp' | 'udp'; family?: Family; src: number; dst: number; sport: number; dport: number; dataPackets: number; len: number; close: 'fin' | 'rst' | 'none'; span: Span }
  /**
   * `traffic dev D reply-dev R conns N rate PPS duration S [tcp|udp] [flow-size …] …`: the
   * traffic generator drives many connections for S seconds of virtual time (no output).
   */
  | { kind: 'traffic'; dev: Spanned<string>; replyDev: Spanned<string>; duration: number; options: TrafficOptions; span: Span }
  | { kind: 'sleep'; seconds: number; span: Span }
  | { kind: 'conntrack.list'; filter: CtFilter; output: CtOutput; span: Span }
  /** `conntrack -D [filters]`: deletes every matching entry, printing each. */
  | { kind: 'conntrack.delete'; filter: CtFilter; output: CtOutput; span: Span }
  /** `conntrack -U [filters] --mark V[/M]`: sets the mark of every matching entry. */
  | { kind: 'conntrack.update'; filter: CtFilter; mark: Masked; output: CtOutput; span: Span }
  /** `conntrack -E [filters] &`: a background watcher of conntrack events (stopped by `kill`). */
  | { kind: 'conntrack.events'; filter: CtFilter; eventMask: number; output: CtOutput; span: Span }
  | { kind: 'conntrack.stats'; span: Span }
  | { kind: 'conntrack.flush'; span: Span }
  | { kind: 'conntrack.count'; span: Span }
  /** `kill [-SIGNAL] %JOB`: stops a background job (`%%`/`%+`/no number: the latest). */
  | { kind: 'kill'; job?: Spanned<number>; signal: 'TERM' | 'INT' | 'KILL'; span: Span }
  | { kind: 'proc.conntrack'; span: Span }
  | { kind: 'echo'; text: string; span: Span }
  /**
   * `! COMMAND`: the command is expected to fail. Its error is printed as the terminal would
   * show it and the script goes on; if it succeeds, that is the error. (Demos of refusals.)
   */
  | { kind: 'expect.fail'; commands: Command[]; span: Span }
  /**
   * `expect …`: an assertion on the state at this point of virtual time. A failed one is
   * reported (with `text`, the assertion as written) and the run goes on.
   */
  | { kind: 'expect'; check: ExpectCheck; text: string; span: Span }
  /** `sim KEY VALUE`: simulator settings (seed, kernel profile, NIC parameters). */
  | { kind: 'sim.set'; key: Spanned<string>; value: Spanned<string>; span: Span }
  /** `sim show nic|throughput|ovs`: the hardware model's state and figures. */
  | { kind: 'sim.show'; what: 'nic' | 'throughput' | 'ovs'; span: Span };

export type CommandKind = Command['kind'];

export type ParseResult = { ok: true; commands: Command[] } | { ok: false; error: SimError; commands: Command[] };
