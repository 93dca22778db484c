/**
 * Which client talks to which server: connection number k gets a distinct (client address,
 * client port, server address) for as long as the prefixes allow, and the numbering wraps
 * after that (a port reused long after, as real clients do).
 */
import { prefixMask, type Prefix } from '../model/addr';
import { add6, network6 } from '../model/addr6';

/** Client source ports: 1024…65535. */
export const FIRST_CLIENT_PORT = 1024;
const CLIENT_PORTS = 65536 - FIRST_CLIENT_PORT;

/**
 * Usable hosts of a prefix: all of a /31 or /32, the others without network and broadcast.
 * IPv6 (no broadcast): from network + 1, at most 2^32 of them; `first` is then the offset
 * base, added to the network's id by the callers (add6).
 */
function hostRange(p: Prefix): { first: number; count: number } {
  if (p.family === 6) {
    if (p.len === 128) return { first: 0, count: 1 };
    return { first: 1, count: p.len >= 96 ? 2 ** (128 - p.len) - 1 : 2 ** 32 };
  }
  const base = (p.addr & prefixMask(p.len)) >>> 0;
  if (p.len === 32) return { first: p.addr >>> 0, count: 1 };
  if (p.len === 31) return { first: base, count: 2 };
  return { first: base + 1, count: 2 ** (32 - p.len) - 2 };
}

export class ClientAddressing {
  private readonly clients: { first: number; count: number };
  private readonly servers: { first: number; count: number };
  /** Clients × servers: connections before the port moves on. */
  private readonly pairs: number;

  /** IPv6: the networks the host offsets are added to (interned per address, off the IPv4 path). */
  private readonly v6: { clientNet: number; serverNet: number } | null;

  constructor(src: Prefix, dst: Prefix) {
    this.clients = hostRange(src);
    this.servers = hostRange(dst);
    this.pairs = this.clients.count * this.servers.count;
    this.v6 = src.family === 6 ? { clientNet: src.len === 128 ? src.addr : network6(src.addr, src.len), serverNet: dst.len === 128 ? dst.addr : network6(dst.addr, dst.len) } : null;
  }

  /** Distinct connections before the numbering wraps. */
  get distinct(): number {
    return this.pairs * CLIENT_PORTS;
  }

  /*
   * Servers take turns fastest, then clients, then ports. A single server (the usual case)
   * skips the divisions: a double's % is a library call, several per packet otherwise.
   */

  server(k: number): number {
    const a = this.servers.count === 1 ? this.servers.first : this.servers.first + (k % this.servers.count);
    return this.v6 ? add6(this.v6.serverNet, a) : a;
  }

  client(k: number): number {
    const n = this.servers.count === 1 ? k : Math.floor(k / this.servers.count);
    const a = this.clients.first + (n < this.clients.count ? n : n % this.clients.count);
    return this.v6 ? add6(this.v6.clientNet, a) : a;
  }

  clientPort(k: number): number {
    return k < this.pairs ? FIRST_CLIENT_PORT : FIRST_CLIENT_PORT + (Math.floor(k / this.pairs) % CLIENT_PORTS);
  }
}
