/**
 * The NIC's datapath (the eswitch FDB as mlx5 builds it from tc rules): a packet arriving on an
 * offload-enabled port walks the hardware table of chain 0, runs the matching rule's actions —
 * decap for a tunnel device's rule, a jump to the CT table for `ct` (a hit sets the ct
 * registers and continues in post_act), header rewrites, forwarding — and continues in the
 * chain a goto names. Anything hardware cannot finish misses to software with what the driver
 * restores (en/rep/tc.c mlx5e_tc_update_skb, kernel-facts §e.4): the chain (5.7) or the action
 * (v6.4 act_miss) to resume at, the ct state from the restore cookie of a CT entry already hit,
 * and the tunnel info decap removed.
 *
 * Nothing is allocated per packet on the hit path: registers are fields, the flower view is
 * one reused object, and the CT table is typed arrays.
 */
import type { Conntrack } from '../conntrack/conntrack';
import type { Endpoints } from '../endpoints';
import type { Env } from '../env';
import type { DeliverTo, Where } from '../events';
import { formatIpv4 } from '../model/addr';
import type { Device, Devices } from '../model/devices';
import { CtInfo, IPPROTO_TCP, IPPROTO_UDP, TCP_FIN, TCP_RST, VXLAN_DEFAULT_PORT, frameLength, type Packet } from '../model/packet';
import { CT_FLAG_ESTABLISHED, CT_FLAG_NEW, CT_FLAG_REPLY } from '../script/ast';
import { ETH_P_ALL } from '../script/protocols';
import type { PeditAction } from '../tc/actions/pedit';
import { tcBehaviour } from '../tc/features';
import { CtKey, ctStateString, type FlowerView } from '../tc/flower';
import type { Filter } from '../tc/objects';
import { TC_ACT_SHOT } from '../tc/verdict';
import { E_NAT, type HwCtTable } from './ct_table';
import { StepKind, type HwRule, type HwStep } from './rule';
import type { HwTables } from './tables';
import { PATH_DROP, PATH_HW, PATH_MISS, PATH_SW } from '../path';
import { N16, N32, N_SRC, N_DST, N_SPORT, N_DPORT } from '../conntrack/storage';

/** Where the datapath sends what hardware finished. */
export interface HwSink {
  deliver(pkt: Packet, dev: string, to: DeliverTo, target: string, where: Where): void;
  drop(pkt: Packet, dev: string, reason: string, where?: Where): void;
}

/** Where software resumes after a miss (valid after `receive` returned false). */
export interface HwResume {
  /** The device software sees the packet on (the tunnel device after decap). */
  dev: string;
  /** v6.4 act_miss: resume at this filter's action `action` (0-based); null = by chain. */
  filter: Filter | null;
  action: number;
}

const DONE = -1;
const MISSED = -2;
// Hot-path constants read once: imported bindings cost a property read per use when the
// engine runs from transpiled modules (the benchmark), local constants cost nothing.
const S_CT = StepKind.Ct;
const S_CT_CLEAR = StepKind.CtClear;
const S_PEDIT = StepKind.Pedit;
const S_TUNNEL_UNSET = StepKind.TunnelUnset;
const S_MIRROR = StepKind.Mirror;
const TCP = IPPROTO_TCP;
const UDP = IPPROTO_UDP;
const FIN_RST = TCP_FIN | TCP_RST;
const SHOT = TC_ACT_SHOT;
const ALL = ETH_P_ALL;
const frameBytes = frameLength;

/** The flower view of a packet in hardware: the ct key comes from the registers. */
class HwView implements FlowerView {
  pkt!: Packet;
  readonly ct = new CtKey();
  constructor(readonly conntrack: Conntrack) {}
}

export class HwPipeline {
  readonly resume: HwResume = { dev: '', filter: null, action: 0 };
  /** Packets hardware finished, and packets that went to software (misses and non-offloaded ports). */
  hwPackets = 0;
  swPackets = 0;
  chainMisses = 0;
  ctMisses = 0;
  /** The last packet that entered the NIC, and how it left: PATH_HW (finished) or PATH_MISS. */
  private lastPkt = 0;
  private lastPath = PATH_SW;
  /**
   * The last miss, for `expect last path`: the packet, the chain whose hardware table missed,
   * and what the driver restored (ct state bits as flower sees them and the zone, -1 when no
   * CT entry was hit; the tunnel id, -1 without tunnel info). Plain numbers, set on misses only.
   */
  missPkt = 0;
  missChain = 0;
  missState = -1;
  missZone = 0;
  missTunnel = -1;
  private readonly view: HwView;
  // ct registers (reg_c2 zone/state, reg_c3 mark; the restore cookie as the conntrack slot)
  private regCt = -1;
  private regState = 0;
  private regZone = 0;
  private regMark = 0;

  constructor(
    private readonly env: Env,
    private readonly devices: Devices,
    private readonly conntrack: Conntrack,
    private readonly table: HwCtTable,
    /** Per tc device (tunnel devices included), per chain: the offloaded rules in prio order. */
    private readonly tables: HwTables,
    private readonly endpoints: Endpoints,
    private readonly sink: HwSink,
  ) {
    this.view = new HwView(conntrack);
  }

  /**
   * The path class of packet `pkt` whose journey just ended: dropped, finished in hardware,
   * missed in hardware and resumed in software, or software only (it never walked the NIC's
   * tables: offload off, no offloaded rule, not a NIC port).
   */
  pathOf(pkt: number, dropped: boolean): number {
    if (dropped) return PATH_DROP;
    return pkt === this.lastPkt ? this.lastPath : PATH_SW;
  }

  /** A packet enters the NIC on `dev` (from the wire or a VF). True when hardware finished it. */
  receive(pkt: Packet, dev: Device): boolean {
    this.resume.dev = dev.name;
    this.resume.filter = null;
    this.lastPkt = pkt.id;
    this.lastPath = PATH_SW;
    if (!dev.hwTcOffload || (this.tables.rulesOf(dev) === 0 && !(dev.kind === 'uplink' && pkt.vxlan))) {
      this.swPackets++;
      return false;
    }
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'packet.arrive', t: this.env.now(), pkt: pkt.id, dev: dev.name, hook: 'ingress', where: 'hw', summary: '' });
    }
    this.regCt = -1;
    this.regState = 0;
    this.regZone = 0;
    this.regMark = 0;
    const bytes = frameBytes(pkt);
    let tcDev = dev;
    let rule: HwRule | null = null;
    if (dev.kind === 'uplink' && pkt.vxlan) {
      const vx = this.decapRule(pkt);
      if (vx) {
        tcDev = vx.dev;
        rule = vx.rule;
      } else if (this.tables.rulesOf(dev) === 0) {
        return this.miss(pkt, tcDev.name, 'chain 0', 'no offloaded rule matches', 0, null, 0);
      }
    }
    let chain = 0;
    for (;;) {
      rule ??= this.lookupChain(pkt, tcDev, chain);
      if (!rule) {
        this.chainMisses++;
        return this.miss(pkt, tcDev.name, `chain ${chain}`, 'no offloaded rule matches', chain, null, 0);
      }
      const r = this.runRule(pkt, tcDev.name, rule, bytes);
      if (r === DONE) {
        this.hwPackets++;
        this.lastPath = PATH_HW;
        return true;
      }
      if (r === MISSED) return false;
      chain = r;
      rule = null;
    }
  }

  /**
   * A tunnel device's decap rules match encapsulated packets on the uplink: the packet is
   * decapsulated when one of them matches in chain 0, and left as it was otherwise.
   */
  private decapRule(pkt: Packet): { dev: Device; rule: HwRule } | null {
    const v = pkt.vxlan!;
    for (const d of this.devices.all()) {
      if (d.kind !== 'vxlan' || this.tables.rulesOf(d) === 0 || (d.dstPort ?? VXLAN_DEFAULT_PORT) !== pkt.dport || (!d.external && d.vni !== v.vni)) continue;
      const saved: Packet = { ...pkt };
      const outer = { id: v.vni, src: pkt.src, dst: pkt.dst, dstPort: pkt.dport, tos: pkt.tos, ttl: pkt.ttl };
      this.endpoints.decapsulate(pkt);
      pkt.meta.tunnel = outer;
      const rule = this.lookupChain(pkt, d, 0);
      if (rule) {
        if (this.env.events.active) {
          this.env.events.emit({ kind: 'packet.decap', t: this.env.now(), pkt: pkt.id, dev: d.name, vni: outer.id, src: formatIpv4(outer.src), dst: formatIpv4(outer.dst) });
        }
        return { dev: d, rule };
      }
      Object.assign(pkt, saved);
      pkt.meta.tunnel = null;
    }
    return null;
  }

  /** One chain's hardware table (per prio, as mlx5 fs_chains builds them): the first rule that matches. */
  private lookupChain(pkt: Packet, dev: Device, chainIndex: number): HwRule | null {
    const rules = this.tables.chain(dev, chainIndex);
    if (rules) {
      const v = this.view;
      v.pkt = pkt;
      this.loadCtKey();
      for (let i = 0; i < rules.length; i++) {
        const f = rules[i].filter;
        if ((f.protocol === pkt.ethType || f.protocol === ALL) && f.match.check(v, null)) {
          if (this.env.events.active) this.emitTable(pkt, dev.name, `chain ${chainIndex}`, true, chainIndex, f);
          return rules[i];
        }
      }
    }
    if (this.env.events.active) this.emitTable(pkt, dev.name, `chain ${chainIndex}`, false, chainIndex, null);
    return null;
  }

  private loadCtKey(): void {
    const k = this.view.ct;
    const replyBit = tcBehaviour(this.env.profile).ctStateReplyInvalid;
    k.state = replyBit ? this.regState : this.regState & ~CT_FLAG_REPLY;
    k.zone = this.regCt >= 0 ? this.regZone : 0;
    k.mark = this.regMark;
    k.ct = this.regCt;
  }

  /** Runs a rule's actions; returns DONE, MISSED or the chain to continue in. */
  private runRule(pkt: Packet, dev: string, rule: HwRule, bytes: number): number {
    const redirect = rule.redirect;
    if (redirect && !this.target(redirect)) return this.targetGone(pkt, dev, rule);
    const steps = rule.steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const kind = step.kind;
      if (kind === S_CT) {
        if (!this.ctStep(pkt, dev, rule, step, bytes)) return MISSED;
      } else if (kind === S_CT_CLEAR) {
        this.regCt = -1;
        this.regState = 0;
        this.regMark = 0;
      } else if (kind === S_PEDIT) {
        (step.action as PeditAction).edit(pkt);
      } else if (kind === S_TUNNEL_UNSET) {
        pkt.meta.tunnel = null;
      } else if (kind === S_MIRROR) {
        // tcf_mirred_act: a mirror whose device is gone sends no copy.
        if (this.target(step)) this.forward(this.endpoints.clone(pkt), step);
      }
      // TunnelSet and Nop steps have nothing to do here; the redirect comes after the counter.
    }
    this.count(pkt, rule, bytes);
    if (redirect) {
      this.forward(pkt, redirect);
      return DONE;
    }
    if (rule.gotoChain >= 0) return rule.gotoChain;
    const f = rule.filter;
    if (rule.control === SHOT) this.sink.drop(pkt, dev, `hardware rule ${f.ref}: drop`, 'hw');
    else this.sink.deliver(pkt, dev, 'host', 'host stack', 'hw');
    return DONE;
  }

  /**
   * The ct action in hardware: already tracked in this zone (pre_ct) → go on; otherwise look
   * the packet up in the CT (or CT-NAT) table. TCP FIN/RST never match (the entries require
   * flags 0), so they always go to software, which tears the connection down.
   */
  private ctStep(pkt: Packet, dev: string, rule: HwRule, step: HwStep, bytes: number): boolean {
    if (this.regCt >= 0 && this.regZone === step.zone) return true;
    const isTcp = pkt.proto === TCP;
    let node = -1;
    if ((isTcp && !(pkt.tcpFlags & FIN_RST)) || pkt.proto === UDP) {
      // Drivers of the 5.7 era put every entry into both tables.
      const natInCt = this.env.profile.missRestore === 'chain';
      node = this.table.lookup(step.zone, pkt, step.nat, natInCt);
    }
    const table = step.nat ? 'ct_nat' : 'ct';
    if (node < 0) {
      this.emitTable(pkt, dev, table, false, rule.filter.chain, rule.filter);
      this.ctMisses++;
      const reason = isTcp && pkt.tcpFlags & FIN_RST ? 'TCP FIN/RST never match a CT entry' : 'connection not in the CT table';
      const f = rule.filter;
      if (this.env.profile.missRestore === 'action') return this.miss(pkt, dev, table, reason, f.chain, f, step.index);
      return this.miss(pkt, dev, table, reason, f.chain, null, 0);
    }
    const t = this.table;
    const p = node >> 1;
    this.regCt = t.ct(p);
    this.regState = t.state(node);
    this.regZone = step.zone;
    this.regMark = t.mark(p);
    t.hit(node, bytes, this.env.now());
    if (step.nat && t.flags(p) & E_NAT) this.natRewrite(pkt, this.regCt, node & 1);
    this.emitTable(pkt, dev, table, true, rule.filter.chain, rule.filter);
    return true;
  }

  /** ct_nat: rewrite to the inverted tuple of the other direction (tcf_ct_flow_table_add_action_nat). */
  private natRewrite(pkt: Packet, ct: number, dir: number): void {
    const s = this.conntrack.store;
    const other = 2 * ct + (dir ^ 1);
    pkt.src = s.n32[other * N32 + N_DST];
    pkt.dst = s.n32[other * N32 + N_SRC];
    pkt.sport = s.n16[other * N16 + N_DPORT];
    pkt.dport = s.n16[other * N16 + N_SPORT];
  }

  /** The rule's counter (on post_act for ct rules, so a CT miss is not counted): all its actions report it. */
  private count(pkt: Packet, rule: HwRule, bytes: number): void {
    const f = rule.filter;
    const now = this.env.now();
    if (this.env.events.active) {
      this.env.events.emit({ kind: 'tc.filter', t: now, pkt: pkt.id, dev: f.dev, chain: f.chain, prio: f.prio, handle: f.handle, where: 'hw', matched: true, failed: [] });
    }
    f.hwPackets++;
    f.hwBytes += bytes;
    if (now > f.lastUse) f.lastUse = now;
    for (const a of f.actions) {
      a.hwPackets++;
      a.hwBytes += bytes;
      if (now > a.lastUse) a.lastUse = now;
    }
  }

  /** The step's target device, or undefined once it is gone (resolved again only when devices changed). */
  private target(step: HwStep): Device | undefined {
    const generation = this.devices.generation;
    if (step.targetGeneration !== generation) {
      step.target = this.devices.get(step.dev);
      step.targetGeneration = generation;
    }
    return step.target;
  }

  /**
   * The rule forwards to a device deleted since it was offloaded: hardware has no port to send
   * to and runs none of the rule, so the packet misses to software — at the chain, or (miss to
   * action) at the rule's first action — where act_mirred finds its device gone and drops it
   * (tcf_mirred_act: "tc mirred: target device is gone").
   */
  private targetGone(pkt: Packet, dev: string, rule: HwRule): number {
    const f = rule.filter;
    const reason = `redirect target ${rule.redirect!.dev} is gone`;
    if (this.env.profile.missRestore === 'action') this.miss(pkt, dev, `chain ${f.chain}`, reason, f.chain, f, 0);
    else this.miss(pkt, dev, `chain ${f.chain}`, reason, f.chain, null, 0);
    return MISSED;
  }

  /** Forwarding inside the eswitch: to a VF (its VM), the wire, or encapsulated into a tunnel. */
  private forward(pkt: Packet, step: HwStep): void {
    const target = this.target(step)!;
    switch (target.kind) {
      case 'rep':
        return this.sink.deliver(pkt, target.name, 'vm', target.vm ?? target.name, 'hw');
      case 'vxlan': {
        const t = step.tunnel!;
        const dstPort = t.dstPort || target.dstPort || VXLAN_DEFAULT_PORT;
        this.endpoints.encapsulate(pkt, { vni: t.id, src: t.src, dst: t.dst, dstPort });
        pkt.meta.tunnel = null;
        if (this.env.events.active) {
          this.env.events.emit({ kind: 'packet.encap', t: this.env.now(), pkt: pkt.id, dev: target.name, vni: t.id, src: formatIpv4(t.src), dst: formatIpv4(t.dst) });
        }
        return this.sink.deliver(pkt, 'uplink', 'wire', 'wire', 'hw');
      }
      default:
        return this.sink.deliver(pkt, target.name, 'wire', 'wire', 'hw');
    }
  }

  /**
   * Hardware gives up: software gets the packet with what the driver restores. Returns false
   * (the packet is software's now).
   */
  private miss(pkt: Packet, dev: string, table: string, reason: string, chain: number, filter: Filter | null, action: number): false {
    this.swPackets++;
    this.lastPath = PATH_MISS;
    const meta = pkt.meta;
    let ctState = '';
    this.missPkt = pkt.id;
    this.missChain = chain;
    this.missState = -1;
    this.missTunnel = meta.tunnel === null ? -1 : meta.tunnel.id;
    if (this.regCt >= 0 && this.conntrack.isAlive(this.regCt)) {
      // mlx5e_tc_ct_restore_flow → tcf_ct_flow_table_restore_skb(restore_cookie).
      this.conntrack.attach(pkt, this.regCt, ctinfoOf(this.regState));
      meta.postCt = true;
      meta.zone = this.regZone;
      this.missState = this.regState & (tcBehaviour(this.env.profile).ctStateReplyInvalid ? 0xff : ~CT_FLAG_REPLY);
      this.missZone = this.regZone;
      if (this.env.events.active) ctState = ctStateString(this.missState);
    }
    this.resume.dev = dev;
    this.resume.filter = filter;
    this.resume.action = action;
    meta.extChain = filter === null && chain > 0 ? chain : -1;
    if (this.env.events.active) {
      const resumeAction = filter ? `${filter.ref} action ${action + 1}` : '';
      const restored = { ...(ctState ? { zone: meta.zone } : {}), ...(meta.tunnel ? { tunnelId: meta.tunnel.id } : {}) };
      this.env.events.emit({ kind: 'hw.miss', t: this.env.now(), pkt: pkt.id, dev, table, reason, resumeDev: dev, resumeChain: chain, resumeAction, ctState, tunnel: meta.tunnel !== null, ...restored });
    }
    return false;
  }

  private emitTable(pkt: Packet, dev: string, table: string, hit: boolean, chain: number, f: Filter | null): void {
    if (!this.env.events.active) return;
    const ct = this.regCt;
    this.env.events.emit({
      kind: 'hw.table',
      t: this.env.now(),
      pkt: pkt.id,
      dev,
      table,
      hit,
      chain,
      ...(f ? { prio: f.prio, handle: f.handle } : {}),
      ...(ct >= 0 ? { ctId: this.conntrack.ctId(ct), ctState: ctStateString(this.regState) } : {}),
    });
  }
}

/** The ctinfo a CT entry's state register stands for (the restore cookie's low bits). */
function ctinfoOf(state: number): CtInfo {
  if (state & CT_FLAG_NEW) return CtInfo.NEW;
  if (state & CT_FLAG_ESTABLISHED && state & CT_FLAG_REPLY) return CtInfo.ESTABLISHED_REPLY;
  return CtInfo.ESTABLISHED;
}
