/**
 * PROPOSAL from the talk's Q&A, not kernel behaviour (off by default): offload a connection
 * only once it has carried N packets or B bytes, so short flows never cost a hardware
 * insertion. Installed as the offload queue's admission hook; a deferred add is simply not
 * queued, and the flowtable's later refreshes (at most one per second per flow) ask again.
 * The counts come from conntrack accounting (nf_conntrack_acct=1).
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { FlowTable } from '../flowtable/flowtable';
import type { OffloadAdmission } from '../flowtable/offload';
import type { OffloadPolicy } from './settings';

export function offloadPolicyAdmission(conntrack: Conntrack, policy: OffloadPolicy): OffloadAdmission | null {
  if (policy.minPackets === 0 && policy.minBytes === 0) return null;
  return new PolicyAdmission(conntrack, policy);
}

class PolicyAdmission implements OffloadAdmission {
  constructor(
    private readonly conntrack: Conntrack,
    private readonly policy: OffloadPolicy,
  ) {}

  admit(ft: FlowTable, flow: number): string | null {
    const ct = ft.ct(flow);
    const packets = this.conntrack.packets(ct, 0) + this.conntrack.packets(ct, 1);
    const bytes = this.conntrack.bytes(ct, 0) + this.conntrack.bytes(ct, 1);
    const p = this.policy;
    if (p.minPackets > 0 && packets >= p.minPackets) return null;
    if (p.minBytes > 0 && bytes >= p.minBytes) return null;
    return `offload policy (proposal): ${packets} packets, ${bytes} bytes so far; needs ${describePolicy(p)}`;
  }
}

export function describePolicy(p: OffloadPolicy): string {
  const parts: string[] = [];
  if (p.minPackets > 0) parts.push(`${p.minPackets} packets`);
  if (p.minBytes > 0) parts.push(`${p.minBytes} bytes`);
  return parts.length ? parts.join(' or ') : 'none';
}
