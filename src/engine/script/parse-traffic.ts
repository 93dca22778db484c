/**
 * `traffic dev D reply-dev R conns N rate PPS duration S [tcp|udp] [flow-size pareto A MIN |
 * lognormal MU SIGMA | fixed N] [src PREFIX] [dst PREFIX] [dport P] [len B]
 * [order random|round-robin] [train N] [ttl N]` — the traffic generator as a command.
 */
import type { Command, FlowSizeSpec, TrafficOptions } from './ast';
import { Once, spanOf, type Cursor } from './cursor';
import { failAt } from './errors';
import type { Token } from './lexer';
import { MAX_PAYLOAD_LEN, MAX_WAIT_SECONDS } from './parse-packet';
import { ifname, prefix, seconds, uint, U8, U16 } from './values';

/** Connections one command may keep open (the generator's state is 32 bytes each). */
export const MAX_TRAFFIC_CONNS = 4_000_000;
/** Packets one command may send (rate × duration), so a line cannot run for hours. */
export const MAX_TRAFFIC_PACKETS = 50_000_000;
const MAX_RATE = 1_000_000_000;
const NUM = 10;

/** A decimal number such as 1.2 or -0.5 (flow-size parameters). */
function decimal(t: Token, what: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(t.text)) failAt(t, `invalid ${what} "${t.text}": expected a number, e.g. 1.2`);
  return Number(t.text);
}

function flowSize(c: Cursor, kw: Token): FlowSizeSpec {
  const law = c.value(kw);
  switch (law.text) {
    case 'pareto': {
      const a = c.value(law);
      const alpha = decimal(a, 'pareto alpha');
      if (!(alpha > 0)) failAt(a, `invalid pareto alpha "${a.text}": must be positive`);
      return { kind: 'pareto', alpha, min: uint(c.value(a), 'pareto minimum', 0xffffffff, NUM, 1) };
    }
    case 'lognormal': {
      const m = c.value(law);
      const mu = decimal(m, 'lognormal mu');
      const s = c.value(m);
      const sigma = decimal(s, 'lognormal sigma');
      if (sigma < 0) failAt(s, `invalid lognormal sigma "${s.text}": must not be negative`);
      return { kind: 'lognormal', mu, sigma };
    }
    case 'fixed':
      return { kind: 'fixed', segments: uint(c.value(law), 'flow size', 0xffffffff, NUM, 1) };
    default:
      return failAt(law, `invalid flow-size "${law.text}": expected pareto ALPHA MIN, lognormal MU SIGMA or fixed N`);
  }
}

export function parseTraffic(c: Cursor, cmd: Token): Command {
  const once = new Once();
  let dev: ReturnType<typeof ifname> | undefined;
  let replyDev: ReturnType<typeof ifname> | undefined;
  let duration: number | undefined;
  let durationTok: Token | undefined;
  let prefixTok: Token | undefined;
  const o: Partial<TrafficOptions> = {};
  for (let kw = c.take(); kw; kw = c.take()) {
    once.mark(kw.text === 'tcp' || kw.text === 'udp' ? 'tcp/udp' : kw.text, kw);
    switch (kw.text) {
      case 'dev':
        dev = ifname(c.value(kw));
        break;
      case 'reply-dev':
        replyDev = ifname(c.value(kw));
        break;
      case 'conns':
        o.conns = uint(c.value(kw), 'conns', MAX_TRAFFIC_CONNS, NUM, 1);
        break;
      case 'rate':
        o.rate = uint(c.value(kw), 'rate', MAX_RATE, NUM, 1);
        break;
      case 'duration':
        durationTok = c.value(kw);
        duration = seconds(durationTok, 'duration', MAX_WAIT_SECONDS);
        break;
      case 'tcp':
      case 'udp':
        o.proto = kw.text;
        break;
      case 'flow-size':
        o.flowSize = flowSize(c, kw);
        break;
      case 'src':
        prefixTok = c.value(kw);
        o.src = prefix(prefixTok, 'src');
        break;
      case 'dst':
        prefixTok = c.value(kw);
        o.dst = prefix(prefixTok, 'dst');
        break;
      case 'dport':
        o.dport = uint(c.value(kw), 'dport', U16, NUM, 1);
        break;
      case 'len':
        o.len = uint(c.value(kw), 'len', MAX_PAYLOAD_LEN, NUM);
        break;
      case 'order': {
        const v = c.value(kw);
        if (v.text !== 'random' && v.text !== 'round-robin') failAt(v, `invalid order "${v.text}": expected random or round-robin`);
        o.order = v.text;
        break;
      }
      case 'train':
        o.train = uint(c.value(kw), 'train', 1024, NUM, 1);
        break;
      case 'ttl':
        o.ttl = uint(c.value(kw), 'ttl', U8, NUM);
        break;
      default:
        failAt(kw, `unexpected "${kw.text}"`);
    }
  }
  // Clients and servers of one family (the defaults are IPv4).
  if (prefixTok && (o.src?.family ?? 4) !== (o.dst?.family ?? 4)) {
    const hint = o.src && o.dst ? '' : `: the default ${o.src ? 'dst 10.0.0.1' : 'src 198.18.0.0/15'} is IPv4, give both as IPv6 prefixes`;
    failAt(prefixTok, `src and dst must be of one family${hint}`);
  }
  const missing = !dev ? 'dev DEVICE' : !replyDev ? 'reply-dev DEVICE' : o.conns === undefined ? 'conns N' : o.rate === undefined ? 'rate PPS' : duration === undefined ? 'duration SECONDS' : null;
  if (missing) failAt(cmd, `traffic needs "${missing}"`);
  if (o.rate! * duration! > MAX_TRAFFIC_PACKETS) {
    failAt(durationTok!, `rate × duration is ${Math.round(o.rate! * duration!)} packets: at most ${MAX_TRAFFIC_PACKETS} per traffic command`);
  }
  return { kind: 'traffic', dev: dev!, replyDev: replyDev!, duration: duration!, options: o as TrafficOptions, span: spanOf(cmd) };
}
