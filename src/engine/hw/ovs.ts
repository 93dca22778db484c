/**
 * A deliberately small Open vSwitch kernel datapath: enough to show that a packet tc left
 * unclassified continues at recirc_id = the tc chain the skb extension carries (net/openvswitch
 * flow.c ovs_flow_key_extract: `recirc_id = tc_ext && !act_miss ? tc_ext->chain : 0`), not at 0.
 *
 * Simplified: OVS's datapath flows are a cache keyed by (in_port, recirc_id) only; the first
 * packet of a key is an upcall to ovs-vswitchd, which installs the flow; later packets hit it.
 * OpenFlow tables and the flows' actions are not modelled: the packet ends in OVS.
 */
import type { Env } from '../env';
import type { HwSink } from './pipeline';

export class OvsDatapath {
  enabled = false;
  upcalls = 0;
  hits = 0;
  /** Installed datapath flows: `in_port/recirc_id` (a command-rate structure, not per packet state). */
  private readonly flows = new Set<string>();

  constructor(
    private readonly env: Env,
    private readonly sink: HwSink,
  ) {}

  receive(pkt: Parameters<HwSink['deliver']>[0], dev: string, recircId: number): void {
    const key = `${dev}/${recircId}`;
    const hit = this.flows.has(key);
    if (hit) this.hits++;
    else {
      this.upcalls++;
      this.flows.add(key);
    }
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'ovs.recirc', t: this.env.now(), pkt: pkt.id, dev, recircId, hit, upcall: !hit });
    }
    const target = hit ? `ovs datapath flow in_port(${dev}),recirc_id(${recircId})` : `ovs-vswitchd upcall in_port(${dev}),recirc_id(${recircId})`;
    this.sink.deliver(pkt, dev, 'ovs', target, 'sw');
  }

  /** `sim show ovs`: the datapath flows, as ovs-dpctl dump-flows keys them. */
  render(): string {
    const lines = [...this.flows].sort().map((k) => {
      const [dev, id] = k.split('/');
      return `recirc_id(${id}),in_port(${dev})`;
    });
    return `ovs datapath: ${this.enabled ? 'on' : 'off'}, upcalls ${this.upcalls}, flow hits ${this.hits}\n${lines.map((l) => `${l}\n`).join('')}`;
  }
}
