/**
 * Which client talks to which server: connection number k gets a distinct (client address,
 * client port, server address) for as long as the prefixes allow, and the numbering wraps
 * after that (a port reused long after, as real clients do).
 */
import { prefixMask, type Prefix } from '../model/addr';

/** Client source ports: 1024…65535. */
export const FIRST_CLIENT_PORT = 1024;
const CLIENT_PORTS = 65536 - FIRST_CLIENT_PORT;

/** Usable hosts of a prefix: all of a /31 or /32, the others without network and broadcast. */
function hostRange(p: Prefix): { first: number; count: number } {
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

  constructor(src: Prefix, dst: Prefix) {
    this.clients = hostRange(src);
    this.servers = hostRange(dst);
    this.pairs = this.clients.count * this.servers.count;
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
    return this.servers.count === 1 ? this.servers.first : this.servers.first + (k % this.servers.count);
  }

  client(k: number): number {
    const n = this.servers.count === 1 ? k : Math.floor(k / this.servers.count);
    return this.clients.first + (n < this.clients.count ? n : n % this.clients.count);
  }

  clientPort(k: number): number {
    return k < this.pairs ? FIRST_CLIENT_PORT : FIRST_CLIENT_PORT + (Math.floor(k / this.pairs) % CLIENT_PORTS);
  }
}
