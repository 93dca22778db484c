/**
 * "Packet N": a journey's events → the inspector's steps. Each step names the place, what
 * happened there (the rule that matched, or the flower keys that did not), the skb metadata
 * after it (ct state, zone, mark, label, chain, tunnel), NAT before and after, the verdict,
 * and one line naming the kernel (or mlx5) mechanism behind it. Pure, tested without a browser.
 */
import type { SimEvent } from '../../engine/events';
import { tupleText } from '../motion/paths';

export type Tone = 'hw' | 'sw' | 'miss' | 'drop' | 'info';

export interface InspectorStep {
  /** Index of the journey event this step shows. */
  event: number;
  place: string;
  what: string;
  tone: Tone;
  /** Flower keys of a filter passed over (empty when it matched). */
  failed?: string[];
  /** skb metadata after this step. */
  meta: string;
  nat?: string;
  verdict?: string;
  mechanism: string;
}

interface Meta {
  chain?: number;
  ctState?: string;
  zone?: number;
  mark?: number;
  label?: string;
  tunnel?: string;
}

function metaText(m: Meta): string {
  const parts: string[] = [];
  if (m.chain !== undefined) parts.push(`chain ${m.chain}`);
  if (m.ctState) parts.push(`ct_state ${m.ctState}`);
  if (m.zone !== undefined) parts.push(`zone ${m.zone}`);
  if (m.mark) parts.push(`mark 0x${m.mark.toString(16)}`);
  if (m.label && /[^0]/.test(m.label)) parts.push(`label ${m.label}`);
  if (m.tunnel) parts.push(`tunnel ${m.tunnel}`);
  return parts.join(' · ');
}

const ACTION_MECHANISM: Record<string, string> = {
  ct: 'act_ct: tcf_ct_act',
  gact: 'act_gact: tcf_gact_act',
  mirred: 'act_mirred: tcf_mirred_act transmits on the target device',
  tunnel_key: 'act_tunnel_key: tunnel_key_act sets the tunnel metadata',
  pedit: 'act_pedit: tcf_pedit_act rewrites the header',
  csum: 'act_csum: tcf_csum_act',
};

const CT_MECHANISM: Record<string, string> = {
  orig: 'nf_conntrack_in: entry found in the original direction',
  reply: 'nf_conntrack_in: entry found in the reply direction',
  new: 'nf_conntrack_in → init_conntrack: a new, unconfirmed entry',
  invalid: 'nf_conntrack_in: the tracker found the packet invalid',
  related: 'nf_conntrack_in: related to an existing entry (ICMP error)',
  cached: 'act_ct: tcf_ct_skb_nfct_cached — the skb already carries this zone’s entry, no lookup',
};

/** Names a filter: its tc syntax from `ruleText` when the page knows it, else its reference. */
export type RuleText = (dev: string, chain: number, prio: number, handle: number) => string | undefined;

export function journeySteps(events: readonly SimEvent[], ruleText: RuleText = () => undefined): InspectorStep[] {
  const m: Meta = {};
  const out: InspectorStep[] = [];
  let index = 0;
  const add = (s: Omit<InspectorStep, 'meta' | 'event'>) => out.push({ ...s, event: index, meta: metaText(m) });
  for (const [i, e] of events.entries()) {
    index = i;
    switch (e.kind) {
      case 'packet.inject':
        add({ place: e.dev, what: `sent: ${e.summary}`, tone: 'info', mechanism: `scenario line ${e.line}: the packet enters ${e.dev}’s receive path` });
        break;
      case 'packet.arrive':
        if (e.where === 'hw') add({ place: `NIC port ${e.dev}`, what: 'arrives in the NIC', tone: 'hw', mechanism: 'mlx5: the eswitch’s offloaded tc tables see the packet before the kernel' });
        else add({ place: `${e.dev} ${e.hook}`, what: 'arrives in software', tone: 'sw', mechanism: e.hook === 'ingress' ? 'sch_handle_ingress → tcf_classify' : 'sch_handle_egress → tcf_classify' });
        break;
      case 'tc.classify':
        m.chain = e.chain;
        if (e.ctState) m.ctState = e.ctState;
        add({
          place: `${e.dev} ${e.hook} chain ${e.chain}`,
          what: e.resumed ? `classification resumes at chain ${e.chain}` : `classification starts at chain ${e.chain}`,
          tone: e.resumed ? 'miss' : 'sw',
          mechanism: e.resumed ? 'tcf_classify: continues at the chain the tc skb extension carries (tc_skb_ext), not at chain 0' : 'tcf_classify: the hook’s block, chain by chain',
        });
        break;
      case 'tc.filter': {
        m.chain = e.chain;
        const ref = `chain ${e.chain} pref ${e.prio} handle 0x${e.handle.toString(16)}`;
        const text = ruleText(e.dev, e.chain, e.prio, e.handle);
        if (e.matched) add({ place: `${e.dev} ${ref}`, what: `matched${text ? `: ${text}` : ''}`, tone: e.where, mechanism: e.where === 'hw' ? 'mlx5: the rule’s hardware copy matched (counted in hardware)' : 'cls_flower: fl_classify found the key under the filter’s mask' });
        else add({ place: `${e.dev} ${ref}`, what: e.skipped ? `passed over: ${e.skipped}` : 'passed over', tone: 'info', failed: e.failed, mechanism: 'cls_flower: fl_classify — no match, the next filter in prio order' });
        break;
      }
      case 'tc.action': {
        const goto = /goto chain (\d+)/.exec(e.verdict);
        add({
          place: `${e.dev} chain ${e.chain} pref ${e.prio} action ${e.order}`,
          what: `${e.text}${e.detail ? ` (${e.detail})` : ''}`,
          tone: e.where,
          verdict: e.verdict,
          mechanism: `${ACTION_MECHANISM[e.action] ?? `act_${e.action}`}${goto ? `; then chain ${goto[1]}` : ''}`,
        });
        break;
      }
      case 'tc.verdict':
        add({ place: `${e.dev} chain ${e.chain}`, what: e.why, tone: e.verdict === 'shot' ? 'drop' : e.where, verdict: e.verdict, mechanism: 'tcf_classify returns the verdict to the hook' });
        break;
      case 'ct.lookup':
        m.ctState = e.ctState;
        m.zone = e.zone;
        add({
          place: `conntrack zone ${e.zone}`,
          what: `${e.result}${e.ctId ? ` (entry ${e.ctId})` : ''}: ${e.stateBefore} → ${e.stateAfter}${e.reason && e.result !== 'cached' ? ` — ${e.reason}` : ''}`,
          tone: e.result === 'invalid' ? 'drop' : 'sw',
          mechanism: CT_MECHANISM[e.result],
        });
        break;
      case 'ct.nat':
        add({ place: `conntrack entry ${e.ctId}`, what: `${e.manip === 'src' ? 'source' : 'destination'} NAT`, nat: `${tupleText(e.before)} → ${tupleText(e.after)}`, tone: 'sw', mechanism: 'act_ct: ct_nat_execute → nf_nat_manip_pkt' });
        break;
      case 'ct.new':
        add({ place: `conntrack zone ${e.zone}`, what: `new entry ${e.ctId}: ${tupleText(e.orig)}`, tone: 'sw', mechanism: 'init_conntrack: the entry is unconfirmed until commit' });
        break;
      case 'ct.confirm':
        m.mark = e.mark;
        m.label = e.label;
        add({ place: `conntrack zone ${e.zone}`, what: `entry ${e.ctId} committed`, tone: 'sw', mechanism: 'act_ct commit: nf_conntrack_confirm inserts it in the table' });
        break;
      case 'ct.state':
        add({ place: `conntrack entry ${e.ctId}`, what: `${e.from} → ${e.to}${e.status ? ` [${e.status}]` : ''}, timeout ${e.timeout} s`, tone: 'sw', mechanism: 'nf_conntrack_proto: the tracker’s state machine' });
        break;
      case 'ct.destroy':
        add({ place: `conntrack entry ${e.ctId}`, what: `destroyed (${e.reason})`, tone: 'info', mechanism: 'nf_ct_delete' });
        break;
      case 'ft.lookup':
        m.zone = e.zone;
        add({
          place: `flowtable zone ${e.zone}`,
          what: e.hit ? `hit (entry ${e.ctId})` : `miss${e.reason ? ` — ${e.reason}` : ''}`,
          tone: 'sw',
          mechanism: e.hit ? 'act_ct: flowtable hit, conntrack bypassed — tcf_ct_flow_table_lookup' : 'act_ct: tcf_ct_flow_table_lookup found no flow; conntrack decides',
        });
        break;
      case 'ft.add':
        add({ place: `flowtable zone ${e.zone}`, what: `flow for entry ${e.ctId} added [OFFLOAD]`, tone: 'sw', mechanism: 'act_ct: tcf_ct_flow_table_process_conn → flow_offload_add; the driver is asked to offload it' });
        break;
      case 'ft.teardown':
        add({ place: `flowtable zone ${e.zone}`, what: `flow ${e.ctId} torn down (${e.reason})`, tone: 'info', mechanism: 'flow_offload_teardown: the connection goes back to conntrack' });
        break;
      case 'ft.refresh':
      case 'ft.free':
      case 'ft.table':
        break;
      case 'hw.table': {
        if (e.ctState) m.ctState = e.ctState;
        if (e.table === 'ct' || e.table === 'ct_nat') {
          add({
            place: `NIC ${e.table === 'ct' ? 'CT' : 'CT-NAT'} table`,
            what: e.hit ? `hit (entry ${e.ctId})${e.ctState ? `, ct_state ${e.ctState}` : ''}` : 'miss',
            tone: e.hit ? 'hw' : 'miss',
            mechanism: e.hit ? 'mlx5: CT table hit, ct state/mark/label set in registers, continues in the next chain' : 'mlx5: the connection is not in the hardware CT table',
          });
        } else {
          m.chain = e.chain;
          const text = e.hit && e.prio !== undefined ? ruleText(e.dev, e.chain, e.prio, e.handle ?? 0) : undefined;
          add({
            place: `NIC ${e.dev} ${e.table} table`,
            what: e.hit ? `hit: prio ${e.prio}${text ? ` ${text}` : ''}` : 'no offloaded rule matches',
            tone: e.hit ? 'hw' : 'miss',
            mechanism: e.hit ? 'mlx5: the offloaded rule matched in the chain’s table' : 'mlx5: miss in the chain’s table',
          });
        }
        break;
      }
      case 'hw.miss': {
        m.chain = e.resumeChain;
        m.ctState = e.ctState || undefined;
        if (e.zone !== undefined) m.zone = e.zone;
        const at = e.resumeAction ? `the action ${e.resumeAction}` : `chain ${e.resumeChain}`;
        const restored = [
          e.resumeAction ? 'the action' : 'the chain',
          e.ctState ? `ct_state ${e.ctState}` : '',
          e.zone !== undefined ? `zone ${e.zone}` : '',
          e.tunnelId !== undefined ? `tunnel info (id ${e.tunnelId})` : '',
        ].filter(Boolean).join(', ');
        add({
          place: `NIC ${e.table === 'ct' ? 'CT' : e.table === 'ct_nat' ? 'CT-NAT' : e.table} table → ${e.resumeDev}`,
          what: `hardware miss (${e.reason}); restored: ${restored}`,
          tone: 'miss',
          mechanism: `mlx5: ${e.table === 'ct' ? 'CT table' : e.table} miss, software resumes at ${at} on ${e.resumeDev}${e.ctState ? ` with ct_state restored` : ''}${e.tunnel ? ' and the tunnel info' : ''} — ${e.resumeAction ? 'act_miss cookie (tc_skb_ext.act_miss)' : 'mlx5e_tc_update_skb sets tc_skb_ext.chain'}`,
        });
        break;
      }
      case 'hw.queue':
        add({ place: `offload work zone ${e.zone}`, what: `${e.op} for entry ${e.ctId}: ${e.result}${e.reason ? ` (${e.reason})` : ''}`, tone: 'info', mechanism: 'nf_flow_offload_work: the flowtable’s offload workqueue' });
        break;
      case 'hw.ct_entry':
        add({ place: `NIC ${e.table} table`, what: `${e.op} entry ${e.ctId} dir ${e.dir}${e.reason ? ` (${e.reason})` : ''}`, tone: e.op === 'refused' ? 'miss' : 'hw', mechanism: 'mlx5_tc_ct_block_flow_offload: FLOW_CLS_REPLACE/DESTROY' });
        break;
      case 'hw.ft_cb':
        add({ place: `flowtable zone ${e.zone}`, what: `driver callback ${e.op}ed`, tone: 'info', mechanism: 'nf_flow_table_offload_add_cb' });
        break;
      case 'packet.decap':
        m.tunnel = `vni ${e.vni} ${e.src} → ${e.dst}`;
        add({ place: e.dev, what: `VXLAN decapsulated (vni ${e.vni})`, tone: 'info', mechanism: 'vxlan_rcv (or the NIC’s decap rule): the tunnel header becomes skb tunnel metadata' });
        break;
      case 'packet.encap':
        add({ place: e.dev, what: `VXLAN encapsulated (vni ${e.vni}, ${e.src} → ${e.dst})`, tone: 'info', mechanism: 'vxlan_xmit: the tunnel_key metadata becomes the outer header' });
        break;
      case 'packet.deliver':
        add({
          place: e.dev,
          what: `delivered to ${e.target}`,
          tone: e.where,
          verdict: 'delivered',
          mechanism: e.where === 'hw' ? 'mlx5: forwarded by the eswitch; the kernel never saw the packet' : e.to === 'vm' ? 'the representor’s transmit reaches the VF (the VM)' : e.to === 'wire' ? 'dev_queue_xmit on the uplink: to the wire' : e.to === 'ovs' ? 'Open vSwitch datapath' : 'netif_receive_skb: the host stack',
        });
        break;
      case 'packet.drop':
        add({ place: e.dev, what: `dropped: ${e.reason}`, tone: 'drop', verdict: 'dropped', mechanism: `kfree_skb (${e.where === 'hw' ? 'dropped in the NIC' : 'dropped in software'})` });
        break;
      case 'ovs.recirc':
        add({ place: `OVS in_port ${e.dev}`, what: `recirc_id ${e.recircId}: ${e.hit ? 'datapath flow hit' : 'upcall to ovs-vswitchd'}`, tone: 'sw', mechanism: 'ovs_flow_key_extract: recirc_id = the chain in the tc skb extension' });
        break;
      case 'hw.filter':
      case 'hw.feature':
      case 'hw.stats':
      case 'timer':
      case 'command':
        break;
      default: {
        const never: never = e;
        return never;
      }
    }
  }
  return out;
}
