/**
 * The hardware side of the simulated host as the simulator drives it: the NIC, the OVS
 * datapath, the throughput model, and their `sim KEY VALUE` settings and `sim show` outputs.
 */
import type { Env } from '../env';
import { IPS_HW_OFFLOAD } from '../conntrack/conntrack';
import { Nic, type NicDeps } from './nic';
import { OvsDatapath } from './ovs';
import { describePolicy, offloadPolicyAdmission } from './policy';
import { DEFAULT_THROUGHPUT, renderThroughput, type ThroughputSettings } from './throughput';

/** Setting names, for error messages. */
export const HW_SETTINGS = [
  'nic-capacity',
  'nic-insert-rate',
  'nic-latency-us',
  'nic-fault-rate',
  'hw-aging',
  'ovs',
  'offload-policy',
  'nic-evict-idle',
  'offload-queue-limit',
  'port-speed',
  'packet-size',
  'sw-cost-ns',
  'sw-cores',
] as const;

const INT = /^\d+$/;
const NUM = /^\d+(\.\d+)?$/;

export class HwModel {
  readonly nic: Nic;
  readonly ovs: OvsDatapath;
  readonly throughput: ThroughputSettings = { ...DEFAULT_THROUGHPUT };

  constructor(private readonly deps: NicDeps) {
    this.nic = new Nic(deps);
    this.ovs = new OvsDatapath(deps.env, deps.sink);
  }

  private get env(): Env {
    return this.deps.env;
  }

  /**
   * Applies `sim KEY VALUE`. Returns undefined for a key that is not the hardware model's,
   * an error message for a bad value, or null when applied.
   */
  set(key: string, value: string): string | null | undefined {
    const nic = this.nic;
    const queue = this.deps.flowtables.queue.settings;
    const int = (max = 0xffffffff): number | null => (INT.test(value) && Number(value) <= max ? Number(value) : null);
    const bad = (what: string): string => `invalid value "${value}" for ${key}: expected ${what}`;
    switch (key) {
      case 'nic-capacity': {
        const n = int();
        if (n === null) return bad('a number of connections');
        nic.setCapacity(n);
        return null;
      }
      case 'nic-insert-rate': {
        const n = int();
        if (n === null) return bad('insertions per second (0 = unlimited)');
        queue.insertRate = n;
        return null;
      }
      case 'nic-latency-us': {
        const n = int();
        if (n === null) return bad('microseconds');
        queue.latencyUs = n;
        return null;
      }
      case 'nic-fault-rate': {
        if (!NUM.test(value) || Number(value) > 1) return bad('a probability from 0 to 1');
        nic.settings.faultRate = Number(value);
        return null;
      }
      case 'hw-aging': {
        // A lab knob, not a kernel setting: the flowtable timeout is the hardware aging, the
        // fixed NF_FLOW_TIMEOUT (30 s) before 5.14 and the nf_flowtable_{tcp,udp}_timeout
        // sysctls since; this sets it on any profile.
        const n = int(0x7fffffff);
        if (n === null || n === 0) return bad('seconds (at least 1): a lab knob for the flowtable and hardware aging, the kernel has no such setting');
        this.env.sysctl.assign('net.netfilter.nf_flowtable_tcp_timeout', n);
        this.env.sysctl.assign('net.netfilter.nf_flowtable_udp_timeout', n);
        return null;
      }
      case 'ovs':
        if (value !== 'on' && value !== 'off') return bad('on or off');
        this.ovs.enabled = value === 'on';
        return null;
      case 'offload-policy':
        return this.setPolicy(value);
      case 'nic-evict-idle': {
        if (value === 'off') {
          nic.settings.evictIdle = false;
          return null;
        }
        if (!NUM.test(value)) return bad('off, or the idle time in seconds');
        nic.settings.evictIdle = true;
        nic.settings.evictIdleUs = Math.round(Number(value) * 1_000_000);
        return null;
      }
      case 'offload-queue-limit': {
        const n = int();
        if (n === null) return bad('a number of pending adds (0 = unlimited)');
        queue.maxPendingAdds = n;
        return null;
      }
      case 'port-speed': {
        if (!NUM.test(value) || Number(value) === 0) return bad('Gbit/s');
        this.throughput.portGbps = Number(value);
        return null;
      }
      case 'packet-size': {
        const n = int(9216);
        if (n === null || n < 64) return bad('a frame size from 64 to 9216 bytes');
        this.throughput.frameBytes = n;
        return null;
      }
      case 'sw-cost-ns': {
        const n = int();
        if (n === null || n === 0) return bad('nanoseconds per packet');
        this.throughput.swCostNs = n;
        return null;
      }
      case 'sw-cores': {
        const n = int(1024);
        if (n === null || n === 0) return bad('a number of cores');
        this.throughput.cores = n;
        return null;
      }
      default:
        return undefined;
    }
  }

  /** PROPOSAL: `offload-policy none | packets=N | bytes=B | packets=N,bytes=B`. */
  private setPolicy(value: string): string | null {
    const policy = { minPackets: 0, minBytes: 0 };
    if (value !== 'none') {
      for (const part of value.split(',')) {
        const m = /^(packets|bytes)=(\d+)$/.exec(part);
        if (!m) return `invalid value "${value}" for offload-policy: expected none, packets=N, bytes=B or both (comma-separated)`;
        if (m[1] === 'packets') policy.minPackets = Number(m[2]);
        else policy.minBytes = Number(m[2]);
      }
      if (!this.env.sysctl.get('net.netfilter.nf_conntrack_acct')) {
        return 'offload-policy counts packets with conntrack accounting: set net.netfilter.nf_conntrack_acct=1 first';
      }
    }
    this.nic.settings.policy = policy;
    this.deps.flowtables.queue.admission = offloadPolicyAdmission(this.deps.conntrack, policy);
    return null;
  }

  show(what: 'nic' | 'throughput' | 'ovs'): string {
    switch (what) {
      case 'nic':
        return this.renderNic();
      case 'throughput':
        return renderThroughput(this.throughput, this.nic.pipeline.hwPackets, this.nic.pipeline.swPackets);
      case 'ovs':
        return this.ovs.render();
    }
  }

  /** `sim show nic`: ports, rules, the CT table, the offload queue and the packet counts. */
  private renderNic(): string {
    const { devices, flowtables, conntrack, env } = this.deps;
    const nic = this.nic;
    const q = flowtables.queue.settings;
    const d = nic.driver;
    const p = nic.pipeline;
    const t = nic.table;
    const ports = devices
      .all()
      .filter((x) => x.onNic)
      .map((x) => `${x.name} ${x.hwTcOffload ? 'on' : 'off'}`)
      .join(', ');
    const hwOffloaded = conntrack.countStatus(IPS_HW_OFFLOAD);
    const zones = nic.registeredZones;
    const s = nic.settings;
    return (
      `nic: mlx5-like switchdev NIC, kernel profile ${env.profile.name}\n` +
      `hw-tc-offload: ${ports}\n` +
      `tc rules in hardware: ${nic.ruleCount}, refused: ${nic.filtersRefused}\n` +
      `flowtable callbacks: ${zones.length ? zones.map((z) => `zone ${z}`).join(', ') : 'none'}\n` +
      `ct table: ${t.size}/${t.capacity} connections, ${t.entries} entries; [HW_OFFLOAD] connections: ${hwOffloaded}\n` +
      `offload queue: insert rate ${q.insertRate ? `${q.insertRate}/s` : 'unlimited'}, latency ${q.latencyUs} us, pending ${flowtables.queue.pending}` +
      `, limit ${q.maxPendingAdds || 'none'} (proposal)\n` +
      `refused entries: table full ${d.refusedFull}, injected faults ${d.refusedFault} (rate ${s.faultRate}), other ${d.refusedOther}; evicted ${d.evicted}\n` +
      `proposals: offload policy ${describePolicy(s.policy)}, idle eviction ${s.evictIdle ? `after ${s.evictIdleUs / 1_000_000} s` : 'off'}\n` +
      `packets: hardware ${p.hwPackets}, software ${p.swPackets} (chain misses ${p.chainMisses}, ct misses ${p.ctMisses})\n`
    );
  }
}
