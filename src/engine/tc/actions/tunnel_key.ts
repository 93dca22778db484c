/**
 * Tunnel metadata (net/sched/act_tunnel_key.c): `set` attaches one metadata dst to every packet
 * — shared, as the kernel shares its dst — which a collect-metadata tunnel device then uses to
 * encapsulate; `unset` drops the metadata (skb_dst_drop).
 */
import { formatIpv4 } from '../../model/addr';
import type { TunnelInfo } from '../../model/packet';
import type { TunnelKeySpec } from '../../script/ast';
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import { TcAction, type ActionRun } from './action';

export class TunnelKeyAction extends TcAction {
  readonly kind = 'tunnel_key';
  private info: TunnelInfo | null;

  constructor(
    index: number,
    control: number,
    bindcnt: number,
    installed: number,
    public spec: TunnelKeySpec,
  ) {
    super(index, control, bindcnt, installed);
    this.info = tunnelInfo(spec);
  }

  exec(run: ActionRun): number {
    this.use(run);
    run.pkt.meta.tunnel = this.info;
    return this.control;
  }

  protected takeParams(from: TcAction): void {
    const f = from as TunnelKeyAction;
    this.spec = f.spec;
    this.info = f.info;
  }

  /** print_tunnel_key: each set parameter on its own tab-indented line, the control at the end. */
  head(): string {
    const s = this.spec;
    if (s.op === 'unset') return `tunnel_key  unset ${controlName(this.control)}`;
    let out = 'tunnel_key  set';
    if (s.src !== undefined) out += `\n\tsrc_ip ${formatIpv4(s.src)}`;
    if (s.dst !== undefined) out += `\n\tdst_ip ${formatIpv4(s.dst)}`;
    if (s.id !== undefined) out += `\n\tkey_id ${s.id}`;
    if (s.dstPort) out += `\n\tdst_port ${s.dstPort}`;
    out += s.noCsum ? '\n\tnocsum' : '\n\tcsum';
    if (s.tos) out += `\n\ttos 0x${s.tos.toString(16)}`;
    if (s.ttl) out += `\n\tttl ${s.ttl}`;
    return `${out} ${controlName(this.control)}`;
  }

  jsonHead(): JsonObject {
    return tunnelKeyJson(this);
  }
}

/**
 * print_tunnel_key in JSON: `mode`, the set parameters, `flag` csum/nocsum and the boolean
 * flags (iproute2 prints `nofrag: false` when the kernel did not send the attribute).
 */
function tunnelKeyJson(a: TunnelKeyAction): JsonObject {
  const s = a.spec;
  const out: JsonObject = { kind: 'tunnel_key', mode: s.op };
  if (s.op === 'set') {
    if (s.src !== undefined) out.src_ip = formatIpv4(s.src);
    if (s.dst !== undefined) out.dst_ip = formatIpv4(s.dst);
    if (s.id !== undefined) out.key_id = s.id;
    if (s.dstPort) out.dst_port = s.dstPort;
    out.flag = s.noCsum ? 'nocsum' : 'csum';
    out.nofrag = false;
    if (s.tos) out.tos = s.tos;
    if (s.ttl) out.ttl = s.ttl;
  }
  out.control_action = controlJson(a.control);
  return out;
}

/** The metadata dst tunnel_key_init builds (ports/tos/ttl left 0 mean "the device decides"). */
function tunnelInfo(s: TunnelKeySpec): TunnelInfo | null {
  if (s.op === 'unset') return null;
  return Object.freeze({ id: s.id ?? 0, src: s.src ?? 0, dst: s.dst ?? 0, dstPort: s.dstPort ?? 0, tos: s.tos ?? 0, ttl: s.ttl ?? 0 });
}
