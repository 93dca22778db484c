/**
 * The conntrack and flowtable sysctls the simulator honours, with the kernel's defaults
 * (net/netfilter/nf_conntrack_standalone.c, nf_conntrack_proto_*.c, nf_flow_table_core.c).
 * Timeouts are in seconds, as `sysctl -w` takes them.
 */

export interface SysctlDef {
  default: number;
  min: number;
  max: number;
}

const bool = (d: number): SysctlDef => ({ default: d, min: 0, max: 1 });
const secs = (d: number): SysctlDef => ({ default: d, min: 0, max: 0x7fffffff });

export const SYSCTLS = {
  'net.netfilter.nf_conntrack_tcp_be_liberal': bool(0),
  'net.netfilter.nf_conntrack_tcp_loose': bool(1),
  'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': bool(0),
  'net.netfilter.nf_conntrack_tcp_max_retrans': { default: 3, min: 0, max: 255 },
  'net.netfilter.nf_conntrack_checksum': bool(1),
  'net.netfilter.nf_conntrack_acct': bool(0),
  'net.netfilter.nf_conntrack_max': { default: 262144, min: 0, max: 0x7fffffff },
  'net.netfilter.nf_conntrack_tcp_timeout_syn_sent': secs(120),
  'net.netfilter.nf_conntrack_tcp_timeout_syn_recv': secs(60),
  'net.netfilter.nf_conntrack_tcp_timeout_established': secs(432000),
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': secs(120),
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait': secs(60),
  'net.netfilter.nf_conntrack_tcp_timeout_last_ack': secs(30),
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait': secs(120),
  'net.netfilter.nf_conntrack_tcp_timeout_close': secs(10),
  'net.netfilter.nf_conntrack_tcp_timeout_max_retrans': secs(300),
  'net.netfilter.nf_conntrack_tcp_timeout_unacknowledged': secs(300),
  'net.netfilter.nf_conntrack_udp_timeout': secs(30),
  'net.netfilter.nf_conntrack_udp_timeout_stream': secs(120),
  'net.netfilter.nf_conntrack_icmp_timeout': secs(30),
  'net.netfilter.nf_conntrack_generic_timeout': secs(600),
  'net.netfilter.nf_flowtable_tcp_timeout': secs(30),
  'net.netfilter.nf_flowtable_udp_timeout': secs(30),
} as const satisfies Record<string, SysctlDef>;

export type SysctlKey = keyof typeof SYSCTLS;

/** sysctl accepts both dotted and slash-separated names. */
const normalize = (key: string): string => key.replace(/\//g, '.');

export function isSysctlKey(k: string): k is SysctlKey {
  return Object.prototype.hasOwnProperty.call(SYSCTLS, k);
}

type SysctlValues = { [K in SysctlKey]: number };

/** Every sysctl at its default, as one object literal of fixed shape (see Sysctls). */
function defaults(): SysctlValues {
  const v = {} as SysctlValues;
  for (const k of Object.keys(SYSCTLS) as SysctlKey[]) v[k] = SYSCTLS[k].default;
  return v;
}

/**
 * The sysctls read on every packet, as plain fields: `get` with a key compiles to a keyed load
 * whose feedback sees every key (megamorphic), a field read to one load. `set` keeps them current.
 */
export interface HotSysctls {
  /** nf_conntrack_acct */
  acct: number;
  /** nf_conntrack_tcp_loose */
  tcpLoose: number;
  /** nf_conntrack_tcp_be_liberal */
  tcpBeLiberal: number;
  /** nf_flowtable_tcp_timeout (s) */
  flowtableTcpTimeout: number;
  /** nf_flowtable_udp_timeout (s) */
  flowtableUdpTimeout: number;
}

const HOT_FIELD: { readonly [K in SysctlKey]?: keyof HotSysctls } = {
  'net.netfilter.nf_conntrack_acct': 'acct',
  'net.netfilter.nf_conntrack_tcp_loose': 'tcpLoose',
  'net.netfilter.nf_conntrack_tcp_be_liberal': 'tcpBeLiberal',
  'net.netfilter.nf_flowtable_tcp_timeout': 'flowtableTcpTimeout',
  'net.netfilter.nf_flowtable_udp_timeout': 'flowtableUdpTimeout',
};

/**
 * Current values. They live in one object of fixed shape rather than a Map: conntrack reads
 * several per packet, and a read with a constant key compiles to a plain property load.
 */
export class Sysctls {
  private readonly values: SysctlValues = defaults();
  /** Per-packet reads (see HotSysctls); only `set` writes them. */
  readonly hot: Readonly<HotSysctls> = {
    acct: this.values['net.netfilter.nf_conntrack_acct'],
    tcpLoose: this.values['net.netfilter.nf_conntrack_tcp_loose'],
    tcpBeLiberal: this.values['net.netfilter.nf_conntrack_tcp_be_liberal'],
    flowtableTcpTimeout: this.values['net.netfilter.nf_flowtable_tcp_timeout'],
    flowtableUdpTimeout: this.values['net.netfilter.nf_flowtable_udp_timeout'],
  };

  /** Arrays from `indexed`, kept current by `set`. */
  private readonly indexes: { keys: readonly (SysctlKey | null)[]; values: number[] }[] = [];

  get(k: SysctlKey): number {
    return this.values[k];
  }

  /**
   * The values of `keys` by position (`missing` where the key is null), kept current by `set`:
   * for per-packet reads by a computed key (a TCP state's timeout), which on the values object
   * would be a dictionary lookup.
   */
  indexed(keys: readonly (SysctlKey | null)[], missing: number): readonly number[] {
    const values = keys.map((k) => (k ? this.values[k] : missing));
    this.indexes.push({ keys, values });
    return values;
  }

  /**
   * Keys the kernel being imitated does not have (the flowtable timeouts before 5.14): sysctl
   * cannot find them, while the values stay what the kernel hard-codes.
   */
  absent: ReadonlySet<SysctlKey> = new Set();

  /** Returns the error sysctl(8) would print for this assignment, or null when it is valid. */
  check(key: string, raw: string): string | null {
    const k = normalize(key);
    if (!isSysctlKey(k) || this.absent.has(k)) return `cannot stat /proc/sys/${k.replace(/\./g, '/')}: No such file or directory`;
    if (!/^-?\d+$/.test(raw)) return `setting key "${k}": Invalid argument`;
    const v = Number(raw);
    const def = SYSCTLS[k];
    if (v < def.min || v > def.max) return `setting key "${k}": Invalid argument`;
    return null;
  }

  /** Returns an error message (as sysctl(8) would word it) or null when set. */
  set(key: string, raw: string): string | null {
    const err = this.check(key, raw);
    if (err) return err;
    this.assign(normalize(key) as SysctlKey, Number(raw));
    return null;
  }

  /** Sets a value without sysctl's checks: for simulator settings that stand for a kernel constant. */
  assign(k: SysctlKey, value: number): void {
    this.values[k] = value;
    const field = HOT_FIELD[k];
    if (field) (this.hot as HotSysctls)[field] = this.values[k];
    for (const index of this.indexes) {
      for (let i = 0; i < index.keys.length; i++) if (index.keys[i] === k) index.values[i] = this.values[k];
    }
  }

  entries(): [SysctlKey, number][] {
    return Object.entries(this.values) as [SysctlKey, number][];
  }
}
