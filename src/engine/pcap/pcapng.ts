/**
 * A capture file in pcapng (the format Wireshark writes, read by tcpdump ≥ 4.1 / libpcap ≥ 1.1):
 * a Section Header Block, an Interface Description Block per device on its first packet (link
 * type Ethernet, the device name as if_name, microsecond timestamps), and an Enhanced Packet
 * Block per frame with its direction (epb_flags inbound/outbound). Little-endian, as the
 * byte-order magic tells readers. Timestamps are the simulator's virtual time.
 */
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const IF_NAME = 2;
const EPB_FLAGS = 2;
const EPB_INBOUND = 1;
const EPB_OUTBOUND = 2;

export type Direction = 'in' | 'out';

const pad4 = (n: number): number => (n + 3) & ~3;

/** One block: type, total length, body, total length again (pcapng §3.1). */
function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

/** An option: code, length, value padded to 4 bytes. */
function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const END_OF_OPTIONS = new Uint8Array(4); // opt_endofopt, length 0

export class PcapngWriter {
  private readonly blocks: Uint8Array[] = [];
  private readonly interfaces = new Map<string, number>();

  constructor() {
    const body = new Uint8Array(16);
    const v = new DataView(body.buffer);
    v.setUint32(0, BYTE_ORDER_MAGIC, true);
    v.setUint16(4, 1, true); // major version
    v.setUint16(6, 0, true); // minor version
    v.setBigInt64(8, -1n, true); // section length: not given
    this.blocks.push(block(SHB, body));
  }

  /** Number of packets written so far. */
  packets = 0;

  /** Appends a frame seen on `dev` at `timeUs` (virtual microseconds). */
  add(dev: string, dir: Direction, timeUs: number, frame: Uint8Array): void {
    const ifId = this.interfaceOf(dev);
    const head = new Uint8Array(20);
    const v = new DataView(head.buffer);
    v.setUint32(0, ifId, true);
    const ts = BigInt(Math.round(timeUs));
    v.setUint32(4, Number(ts >> 32n), true);
    v.setUint32(8, Number(ts & 0xffffffffn), true);
    v.setUint32(12, frame.length, true); // captured length
    v.setUint32(16, frame.length, true); // original length
    const data = new Uint8Array(pad4(frame.length));
    data.set(frame);
    const flags = new Uint8Array(4);
    new DataView(flags.buffer).setUint32(0, dir === 'in' ? EPB_INBOUND : EPB_OUTBOUND, true);
    this.blocks.push(block(EPB, concat([head, data, option(EPB_FLAGS, flags), END_OF_OPTIONS])));
    this.packets++;
  }

  /** The whole file so far. */
  bytes(): Uint8Array {
    return concat(this.blocks);
  }

  private interfaceOf(dev: string): number {
    const known = this.interfaces.get(dev);
    if (known !== undefined) return known;
    const id = this.interfaces.size;
    this.interfaces.set(dev, id);
    const head = new Uint8Array(8);
    const v = new DataView(head.buffer);
    v.setUint16(0, LINKTYPE_ETHERNET, true);
    v.setUint16(2, 0, true); // reserved
    v.setUint32(4, 0, true); // snaplen: no limit
    this.blocks.push(block(IDB, concat([head, option(IF_NAME, new TextEncoder().encode(dev)), END_OF_OPTIONS])));
    return id;
  }
}
