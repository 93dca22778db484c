/**
 * Packet editing (net/sched/act_pedit.c). iproute2 turns each `munge` into a 32-bit key at an
 * offset of a header (`ex` mode): the bits to write in `val` and the bits to keep in `mask`;
 * `set` replaces, `add` adds modulo the field width. Only IPv4 and TCP/UDP port fields are
 * modelled; a port edit leaves packets without ports (ICMP) alone, and checksums are not kept.
 */
import { formatIpv4 } from '../../model/addr';
import { IPPROTO_TCP, IPPROTO_UDP, type Packet } from '../../model/packet';
import type { PeditField, PeditKey, PeditSpec } from '../../script/ast';
import { controlJson, controlName } from '../control';
import type { JsonObject } from '../../render/json_writer';
import { TcAction, type ActionRun } from './action';

/** Where a field sits: header type, word offset, bit shift and width inside the word. */
interface FieldPlace {
  htype: 'ipv4' | 'tcp' | 'udp';
  off: number;
  shift: number;
  bits: number;
}

function place(f: PeditField): FieldPlace {
  switch (f.field) {
    case 'src':
      return { htype: 'ipv4', off: 12, shift: 0, bits: 32 };
    case 'dst':
      return { htype: 'ipv4', off: 16, shift: 0, bits: 32 };
    case 'ttl':
      return { htype: 'ipv4', off: 8, shift: 24, bits: 8 };
    case 'tos':
      return { htype: 'ipv4', off: 0, shift: 16, bits: 8 };
    case 'sport':
      return { htype: f.layer, off: 0, shift: 16, bits: 16 };
    case 'dport':
      return { htype: f.layer, off: 0, shift: 0, bits: 16 };
  }
}

const hex8 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');

/** The kernel key (tc_pedit_key) for one munge: the bits written in `val`, the bits kept in `mask`. */
interface Word {
  place: FieldPlace;
  val: number;
  mask: number;
  modulo: number;
}

function word(k: PeditKey): Word {
  const p = place(k.target);
  const fieldMask = p.bits === 32 ? 0xffffffff : ((1 << p.bits) - 1) << p.shift;
  return { place: p, val: (k.value << p.shift) & fieldMask, mask: ~fieldMask, modulo: 2 ** p.bits };
}

/** `set` writes the value, `add` adds it (tcf_pedit_act: the carry out of the field is lost). */
const edited = (old: number, k: PeditKey, modulo: number): number =>
  (k.op === 'set' ? k.value : old + k.value) % modulo >>> 0;

function apply(pkt: Packet, k: PeditKey, modulo: number): void {
  switch (k.target.field) {
    case 'src':
      pkt.src = edited(pkt.src, k, modulo);
      return;
    case 'dst':
      pkt.dst = edited(pkt.dst, k, modulo);
      return;
    case 'ttl':
      pkt.ttl = edited(pkt.ttl, k, modulo);
      return;
    case 'tos':
      pkt.tos = edited(pkt.tos, k, modulo);
      return;
    case 'sport':
      if (pkt.proto === IPPROTO_TCP || pkt.proto === IPPROTO_UDP) pkt.sport = edited(pkt.sport, k, modulo);
      return;
    case 'dport':
      if (pkt.proto === IPPROTO_TCP || pkt.proto === IPPROTO_UDP) pkt.dport = edited(pkt.dport, k, modulo);
      return;
  }
}

export class PeditAction extends TcAction {
  readonly kind = 'pedit';
  private words: Word[];

  constructor(
    index: number,
    control: number,
    bindcnt: number,
    installed: number,
    public spec: PeditSpec,
  ) {
    super(index, control, bindcnt, installed);
    this.words = spec.keys.map(word);
  }

  exec(run: ActionRun): number {
    this.use(run);
    this.edit(run.pkt);
    return this.control;
  }

  /** The rewrite alone, without counting (hardware runs it as a modify-header action). */
  edit(pkt: Packet): void {
    const keys = this.spec.keys;
    for (let i = 0; i < keys.length; i++) apply(pkt, keys[i], this.words[i].modulo);
  }

  protected takeParams(from: TcAction): void {
    const f = from as PeditAction;
    this.spec = f.spec;
    this.words = f.words;
  }

  head(): string {
    return ` pedit action ${controlName(this.control)} keys ${this.spec.keys.length}`;
  }

  get indexLead(): string {
    return ' \t index ';
  }

  /** print_pedit: `key #0  at tcp+0: val 00001389 mask ffff0000` (`add` for add keys). */
  trailer(): string {
    return this.spec.keys
      .map((k, i) => {
        const w = this.words[i];
        return `\n\t key #${i}  at ${w.place.htype}+${w.place.off}: ${k.op === 'add' ? 'add' : 'val'} ${hex8(w.val)} mask ${hex8(w.mask)}`;
      })
      .join('');
  }

  jsonHead(): JsonObject {
    return { kind: 'pedit', control_action: controlJson(this.control), nkeys: this.spec.keys.length };
  }

  /** print_pedit's JSON keys: the true command name (`set`, which the text calls `val`), hex without padding. */
  jsonTail(): JsonObject {
    const keys = this.spec.keys.map((k, i): JsonObject => {
      const w = this.words[i];
      return { htype: w.place.htype, offset: w.place.off, cmd: k.op, val: (w.val >>> 0).toString(16), mask: (w.mask >>> 0).toString(16) };
    });
    return { keys };
  }

  summary(): string {
    const munges = this.spec.keys.map((k) => {
      const isAddr = k.target.field === 'src' || k.target.field === 'dst';
      return `munge ${k.target.layer} ${k.target.field} ${k.op} ${isAddr ? formatIpv4(k.value) : k.value}`;
    });
    return `pedit ${munges.join(' ')} ${controlName(this.control)}`;
  }
}
