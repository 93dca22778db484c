/**
 * The host's packet path around tc: a packet arrives on a device's ingress, tc classifies it,
 * and whatever tc does not consume continues to the host stack (where the VXLAN device
 * decapsulates its UDP port's traffic) — or, with mirred, leaves through another device's
 * egress: the uplink puts it on the wire, a representor hands it to its VM, a VXLAN device
 * encapsulates it and sends it out of the uplink, a veth passes it to its peer's ingress.
 */
import type { Conntrack } from './conntrack/conntrack';
import type { Endpoints } from './endpoints';
import { summarize } from './endpoints';
import type { Env } from './env';
import type { DeliverTo, Where } from './events';
import { formatIpv4 } from './model/addr';
import type { Device, Devices } from './model/devices';
import { IPPROTO_UDP, type Packet } from './model/packet';
import type { Hook } from './script/ast';
import type { Filter } from './tc/objects';
import { TC_ACT_CONSUMED, TC_ACT_REDIRECT, TC_ACT_SHOT, TC_ACT_STOLEN, TC_ACT_TRAP, TC_ACT_UNSPEC } from './tc/verdict';

/** What the datapath needs from tc. */
export interface Classifier {
  hasHook(dev: Device, hook: Hook): boolean;
  /**
   * Runs the hook's filters; returns the TC_ACT_* verdict. `resume` resumes at that filter's
   * action `resumeAction` (a hardware miss to action) instead of matching from a chain.
   */
  classify(pkt: Packet, dev: Device, hook: Hook, where: Where, startChain?: number, resume?: Filter | null, resumeAction?: number): number;
  /** tcf_classify's last_executed_chain of the last call (what a skb extension would carry). */
  readonly result: { readonly lastChain: number };
}

/** The NIC's datapath, run before software for packets entering on its ports. */
export interface HardwarePath {
  /** True when hardware finished the packet; otherwise `resume` says where software goes on. */
  receive(pkt: Packet, dev: Device): boolean;
  readonly resume: { readonly dev: string; readonly filter: Filter | null; readonly action: number };
}

/** Open vSwitch's kernel datapath, where packets tc left unclassified continue (when OVS is on). */
export interface OvsPath {
  readonly enabled: boolean;
  /** The packet continues at recirc_id = the tc chain the skb extension carries. */
  receive(pkt: Packet, dev: string, recircId: number): void;
}

/** Sees each frame a device receives or sends in software (an object, so a fork keeps it). */
export interface PacketTap {
  frame(pkt: Packet, dev: string, dir: 'in' | 'out'): void;
}

/** How a packet's journey ended (exactly one per packet). */
export interface Outcome {
  kind: 'deliver' | 'drop';
  /** The device the packet left by (deliver) or was dropped on. */
  dev: string;
  /** deliver: vm / wire / host; drop: the reason. */
  to?: DeliverTo;
  target: string;
  reason?: string;
}

/** act_mirred's nesting limit (MIRRED_NEST_LIMIT): deeper redirect chains are dropped. */
const MIRRED_NEST_LIMIT = 4;

export class Datapath {
  private nest = 0;
  /**
   * Called whenever a packet's journey ends (exactly once per packet). `o` is one object
   * rewritten for every packet (no allocation per packet): read it before the next one ends.
   */
  onOutcome: (pkt: Packet, o: Outcome) => void = () => {};
  private readonly outcome: Outcome = { kind: 'deliver', dev: '', to: undefined, target: '', reason: undefined };
  /** The NIC (set by the simulator); null runs everything in software. */
  hw: HardwarePath | null = null;
  ovs: OvsPath | null = null;
  /**
   * A packet tap on every device, as tcpdump sees the host (ptype_all taps): a frame received
   * by software before tc ingress (__netif_receive_skb), a frame transmitted after tc egress
   * (dev_queue_xmit_nit). What the NIC forwards in hardware never reaches the taps. Null: no tap.
   */
  capture: PacketTap | null = null;

  constructor(
    private readonly env: Env,
    private readonly devices: Devices,
    private readonly conntrack: Conntrack,
    private readonly endpoints: Endpoints,
    private readonly tc: Classifier,
  ) {}

  /**
   * A packet arrives on `dev`'s ingress from outside the host (the wire, a VM) or a veth peer.
   * On a NIC port the hardware datapath runs first; what it leaves to software resumes where
   * the driver says (device, chain or action), with the state it restored on the packet.
   */
  receive(pkt: Packet, devName: string): void {
    const dev = this.devices.get(devName);
    if (!dev) return this.drop(pkt, devName, `device ${devName} does not exist`);
    pkt.meta.indev = dev.name;
    // sch_handle_ingress: the tc cb state of a previous hook does not carry over.
    pkt.meta.postCt = false;
    if (dev.onNic && this.hw) {
      if (this.hw.receive(pkt, dev)) return;
      const r = this.hw.resume;
      const at = r.dev === dev.name ? dev : this.devices.get(r.dev)!;
      return this.software(pkt, at, r.filter, r.action);
    }
    this.software(pkt, dev, null, 0);
  }

  /** A redirect to a device's ingress: software only (hardware never sees it). */
  private receiveRedirected(pkt: Packet, devName: string): void {
    const dev = this.devices.get(devName);
    if (!dev) return this.drop(pkt, devName, `device ${devName} does not exist`);
    pkt.meta.postCt = false;
    this.software(pkt, dev, null, 0);
  }

  private software(pkt: Packet, dev: Device, resume: Filter | null, resumeAction: number): void {
    pkt.meta.indev = dev.name;
    if (this.capture !== null) this.capture.frame(pkt, dev.name, 'in');
    this.emitArrive(pkt, dev.name, 'ingress');
    if (this.tc.hasHook(dev, 'ingress')) {
      const v = this.tc.classify(pkt, dev, 'ingress', 'sw', -1, resume, resumeAction);
      if (v === TC_ACT_SHOT) return this.drop(pkt, dev.name, `tc ingress on ${dev.name} returned drop`);
      if (v === TC_ACT_STOLEN || v === TC_ACT_REDIRECT || v === TC_ACT_CONSUMED) return;
      if (v === TC_ACT_TRAP) return this.deliver(pkt, dev.name, 'host', 'host stack', 'sw');
      // With OVS, tc's last executed chain travels in a skb extension to OVS's recirc_id.
      if (this.ovs?.enabled && dev.onNic) return this.ovs.receive(pkt, dev.name, v === TC_ACT_UNSPEC ? this.tc.result.lastChain : 0);
    } else if (this.ovs?.enabled && dev.onNic) {
      return this.ovs.receive(pkt, dev.name, pkt.meta.extChain > 0 ? pkt.meta.extChain : 0);
    }
    this.toStack(pkt, dev);
  }

  /** The packet is transmitted by `dev` (its egress hook runs first, with clsact). */
  transmit(pkt: Packet, devName: string): void {
    const dev = this.devices.get(devName);
    if (!dev) return this.drop(pkt, devName, `device ${devName} does not exist`);
    this.emitArrive(pkt, dev.name, 'egress');
    if (this.tc.hasHook(dev, 'egress')) {
      pkt.meta.postCt = false;
      const v = this.tc.classify(pkt, dev, 'egress', 'sw');
      if (v === TC_ACT_SHOT) return this.drop(pkt, dev.name, `tc egress on ${dev.name} returned drop`);
      if (v === TC_ACT_STOLEN || v === TC_ACT_REDIRECT || v === TC_ACT_CONSUMED) return;
    }
    if (this.capture !== null) this.capture.frame(pkt, dev.name, 'out');
    switch (dev.kind) {
      case 'uplink':
        return this.deliver(pkt, dev.name, 'wire', 'wire', 'sw');
      case 'rep':
        return this.deliver(pkt, dev.name, 'vm', dev.vm ?? dev.name, 'sw');
      case 'veth':
        return this.receive(pkt, dev.peer!);
      case 'vxlan':
        return this.vxlanXmit(pkt, dev);
      case 'dummy':
        return this.drop(pkt, dev.name, 'dummy devices discard what they transmit');
    }
  }

  /** act_mirred: hand the packet (or a copy) to a device's egress or ingress. */
  mirred(pkt: Packet, devName: string, direction: 'egress' | 'ingress', mirror: boolean): void {
    if (this.nest >= MIRRED_NEST_LIMIT) {
      if (!mirror) this.drop(pkt, devName, `mirred nesting deeper than ${MIRRED_NEST_LIMIT} (MIRRED_NEST_LIMIT)`);
      return;
    }
    const p = mirror ? this.endpoints.clone(pkt) : pkt;
    this.nest++;
    try {
      if (direction === 'egress') this.transmit(p, devName);
      else this.receiveRedirected(p, devName);
    } finally {
      this.nest--;
    }
  }

  /** Not consumed by tc: the host stack takes it; VXLAN traffic for a VXLAN device is decapsulated there. */
  private toStack(pkt: Packet, dev: Device): void {
    const vx = pkt.vxlan && pkt.proto === IPPROTO_UDP ? this.vxlanDeviceFor(pkt) : undefined;
    if (vx && pkt.vxlan) {
      const outer = { vni: pkt.vxlan.vni, src: pkt.src, dst: pkt.dst, tos: pkt.tos, ttl: pkt.ttl, dport: pkt.dport };
      // The tunnel device resets conntrack state (iptunnel_pull_header scrubs the skb).
      this.releaseCt(pkt);
      this.endpoints.decapsulate(pkt);
      pkt.meta.tunnel = { id: outer.vni, src: outer.src, dst: outer.dst, dstPort: outer.dport, tos: outer.tos, ttl: outer.ttl };
      if (this.env.events.active) {
        this.env.events.emit({ kind: 'packet.decap', t: this.env.now(), pkt: pkt.id, dev: vx.name, vni: outer.vni, src: formatIpv4(outer.src), dst: formatIpv4(outer.dst) });
      }
      return this.receive(pkt, vx.name);
    }
    if (pkt.vxlan && pkt.proto === IPPROTO_UDP && this.vxlanListensOn(pkt.dport)) {
      // vxlan_rcv: the port's socket has no device for this VNI (vxlan_vs_find_vni fails).
      return this.drop(pkt, dev.name, `vxlan: no device for VNI ${pkt.vxlan.vni} on UDP port ${pkt.dport}`);
    }
    this.deliver(pkt, dev.name, 'host', 'host stack', 'sw');
  }

  private vxlanDeviceFor(pkt: Packet): Device | undefined {
    return this.devices
      .all()
      .find((d) => d.kind === 'vxlan' && d.dstPort === pkt.dport && (d.external || d.vni === pkt.vxlan?.vni));
  }

  private vxlanListensOn(port: number): boolean {
    return this.devices.all().some((d) => d.kind === 'vxlan' && d.dstPort === port);
  }

  /** The VXLAN device encapsulates with the packet's tunnel info (collect-metadata) or its own settings. */
  private vxlanXmit(pkt: Packet, dev: Device): void {
    const t = pkt.meta.tunnel;
    const vni = dev.external ? t?.id : dev.vni;
    const dst = dev.external ? t?.dst : dev.remote;
    const src = (dev.external ? t?.src : dev.local) ?? 0;
    if (vni === undefined || dst === undefined) {
      return this.drop(pkt, dev.name, `${dev.name} has no tunnel destination (use tunnel_key set or a remote address)`);
    }
    const dstPort = (dev.external ? t?.dstPort : undefined) || dev.dstPort || 4789;
    // iptunnel_xmit scrubs the skb: the inner packet's conntrack reference goes.
    this.releaseCt(pkt);
    pkt.meta.tunnel = null;
    this.endpoints.encapsulate(pkt, { vni, src, dst, dstPort });
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.encap', t: this.env.now(), pkt: pkt.id, dev: dev.name, vni, src: formatIpv4(src), dst: formatIpv4(dst) });
    }
    this.transmit(pkt, 'uplink');
  }

  deliver(pkt: Packet, dev: string, to: DeliverTo, target: string, where: Where): void {
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.deliver', t: this.env.now(), pkt: pkt.id, dev, to, target, where, summary: summarize(pkt) });
    }
    this.finish(pkt, 'deliver', dev, to, target, undefined);
  }

  drop(pkt: Packet, dev: string, reason: string, where: Where = 'sw'): void {
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.drop', t: this.env.now(), pkt: pkt.id, dev, where, reason });
    }
    this.finish(pkt, 'drop', dev, undefined, dev, reason);
  }

  private finish(pkt: Packet, kind: Outcome['kind'], dev: string, to: DeliverTo | undefined, target: string, reason: string | undefined): void {
    this.releaseCt(pkt);
    const o = this.outcome;
    o.kind = kind;
    o.dev = dev;
    o.to = to;
    o.target = target;
    o.reason = reason;
    this.onOutcome(pkt, o);
  }

  /** The skb lets go of its conntrack entry (an unconfirmed one dies with it). */
  private releaseCt(pkt: Packet): void {
    if (pkt.meta.ct >= 0) this.conntrack.releaseSkb(pkt);
    pkt.meta.ct = -1;
  }

  private emitArrive(pkt: Packet, dev: string, hook: Hook): void {
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.arrive', t: this.env.now(), pkt: pkt.id, dev, hook, where: 'sw', summary: summarize(pkt) });
    }
  }
}
