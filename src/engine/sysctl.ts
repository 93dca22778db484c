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

/** Current values; reads are plain property loads so hot paths can use them. */
export class Sysctls {
  private values = new Map<SysctlKey, number>();

  constructor() {
    for (const k of Object.keys(SYSCTLS) as SysctlKey[]) this.values.set(k, SYSCTLS[k].default);
  }

  get(k: SysctlKey): number {
    return this.values.get(k)!;
  }

  /** Returns the error sysctl(8) would print for this assignment, or null when it is valid. */
  check(key: string, raw: string): string | null {
    const k = normalize(key);
    if (!isSysctlKey(k)) return `cannot stat /proc/sys/${k.replace(/\./g, '/')}: No such file or directory`;
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
    this.values.set(normalize(key) as SysctlKey, Number(raw));
    return null;
  }

  entries(): [SysctlKey, number][] {
    return [...this.values.entries()];
  }
}
