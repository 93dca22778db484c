/**
 * Traffic as command lines: the packet composer's `send`, the one-click actions on a
 * connection (its original and reply tuples), and the generator's `traffic` line.
 */
import type { TupleView } from '../../engine/events';

export interface Conn {
  proto: 'tcp' | 'udp' | 'icmp';
  orig: TupleView;
  reply: TupleView;
}

/** Where the connection's original direction enters (the client side) and its replies (the server side). */
export interface Sides {
  client: string;
  server: string;
}

const ep = (addr: string, port: number | undefined) => (port === undefined ? addr : `${addr}:${port}`);

/** A new connection from the composer's addresses: the reply tuple is the original inverted. */
export function newConn(proto: Conn['proto'], src: string, sport: number, dst: string, dport: number): Conn {
  const ports = proto !== 'icmp';
  const orig: TupleView = { proto, src, dst, ...(ports ? { sport, dport } : {}) };
  const reply: TupleView = { proto, src: dst, dst: src, ...(ports ? { sport: dport, dport: sport } : {}) };
  return { proto, orig, reply };
}

const fwd = (c: Conn) => `${ep(c.orig.src, c.orig.sport)} > ${ep(c.orig.dst, c.orig.dport)}`;
const back = (c: Conn) => `${ep(c.reply.src, c.reply.sport)} > ${ep(c.reply.dst, c.reply.dport)}`;

export type ConnAction = 'open' | 'data' | 'fin' | 'rst' | 'udp' | 'ping' | 'icmp-error';

export const CONN_ACTIONS: { action: ConnAction; label: string; tcp?: boolean }[] = [
  { action: 'open', label: 'Open TCP connection', tcp: true },
  { action: 'data', label: 'Send data', tcp: true },
  { action: 'fin', label: 'Close with FIN', tcp: true },
  { action: 'rst', label: 'Reset with RST', tcp: true },
  { action: 'udp', label: 'UDP both ways' },
  { action: 'ping', label: 'Ping' },
  { action: 'icmp-error', label: 'ICMP error quoting it' },
];

/** The lines of a one-click action on connection `c`. */
export function actionLines(action: ConnAction, c: Conn, s: Sides): string[] {
  switch (action) {
    case 'open':
      return [`connect dev ${s.client} tcp ${fwd(c)} data 0 close none`];
    case 'data':
      return [`send dev ${s.client} tcp ${fwd(c)} flags P. len 100`, `send dev ${s.server} tcp ${back(c)} flags P. len 1000`];
    case 'fin':
      return [`send dev ${s.client} tcp ${fwd(c)} flags F.`, `send dev ${s.server} tcp ${back(c)} flags F.`, `send dev ${s.client} tcp ${fwd(c)} flags .`];
    case 'rst':
      return [`send dev ${s.client} tcp ${fwd(c)} flags R.`];
    case 'udp':
      return [`send dev ${s.client} udp ${fwd(c)}`, `send dev ${s.server} udp ${back(c)}`];
    case 'ping':
      return [`send dev ${s.client} icmp ${c.orig.src} > ${c.orig.dst}`, `send dev ${s.server} icmp ${c.reply.src} > ${c.reply.dst} type 0 code 0`];
    case 'icmp-error': {
      // The server side answers the connection's packet (as it arrived there: the reply tuple
      // inverted, NAT included) with port unreachable, quoting it.
      const quoted = `${c.proto === 'icmp' ? 'udp' : c.proto} ${ep(c.reply.dst, c.reply.dport)} > ${ep(c.reply.src, c.reply.sport)}`;
      return [`send dev ${s.server} icmp ${c.reply.src} > ${c.reply.dst} type 3 code 3 inner ${quoted}`];
    }
  }
}

export interface Composed {
  dev: string;
  proto: 'tcp' | 'udp' | 'icmp';
  src: string;
  dst: string;
  flags: string;
  len: number;
  count: number;
}

/** The composer's `send` line. */
export function sendLine(p: Composed): string {
  const flags = p.proto === 'tcp' && p.flags ? ` flags ${p.flags}` : '';
  const len = p.len > 0 ? ` len ${p.len}` : '';
  const count = p.count > 1 ? ` count ${p.count}` : '';
  return `send dev ${p.dev} ${p.proto} ${p.src} > ${p.dst}${flags}${len}${count}`;
}

export interface Generator {
  dev: string;
  replyDev: string;
  conns: number;
  rate: number;
  duration: number;
  proto: 'tcp' | 'udp';
  flowSize: string;
  dport: number;
  /** Which connection sends next: drawn at random, or each in turn. */
  order: 'random' | 'round-robin';
}

/** The generator's `traffic` line. */
export function trafficLine(g: Generator): string {
  const size = g.flowSize.trim() ? ` flow-size ${g.flowSize.trim()}` : '';
  const order = g.order === 'round-robin' ? ' order round-robin' : '';
  return `traffic dev ${g.dev} reply-dev ${g.replyDev} conns ${g.conns} rate ${g.rate} duration ${g.duration} ${g.proto}${size} dport ${g.dport}${order}`;
}
