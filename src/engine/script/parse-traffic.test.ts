import { describe, expect, it } from 'vitest';
import { parseScript } from './parse';

const one = (line: string) => {
  const r = parseScript(line);
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.col}: ${r.error.message}`);
  return r.commands[0];
};
const error = (line: string) => {
  const r = parseScript(line);
  return r.ok ? null : `${r.error.col}: ${r.error.message}`;
};

describe('traffic', () => {
  it('parses every option', () => {
    expect(
      one('traffic dev uplink reply-dev rep0 conns 1000 rate 50000 duration 2.5 udp flow-size pareto 1.2 4 src 198.18.0.0/16 dst 10.0.0.1 dport 53 len 64 order round-robin train 8 ttl 32'),
    ).toEqual({
      kind: 'traffic',
      dev: { value: 'uplink', span: { line: 1, col: 13, end: 19 } },
      replyDev: { value: 'rep0', span: { line: 1, col: 30, end: 34 } },
      duration: 2.5,
      options: {
        conns: 1000,
        rate: 50000,
        proto: 'udp',
        flowSize: { kind: 'pareto', alpha: 1.2, min: 4 },
        src: { family: 4, addr: 0xc6120000, len: 16 },
        dst: { family: 4, addr: 0x0a000001, len: 32 },
        dport: 53,
        len: 64,
        order: 'round-robin',
        train: 8,
        ttl: 32,
      },
      span: { line: 1, col: 1, end: 8 },
    });
    expect(one('traffic dev a reply-dev b conns 1 rate 1 duration 1 flow-size lognormal 2.5 0.8')).toMatchObject({ options: { flowSize: { kind: 'lognormal', mu: 2.5, sigma: 0.8 } } });
    expect(one('traffic dev a reply-dev b conns 1 rate 1 duration 1 flow-size fixed 3')).toMatchObject({ options: { flowSize: { kind: 'fixed', segments: 3 } } });
  });

  it.each([
    ['traffic dev a reply-dev b conns 10 rate 10', '1: traffic needs "duration SECONDS"'],
    ['traffic dev a conns 10 rate 10 duration 1', '1: traffic needs "reply-dev DEVICE"'],
    ['traffic dev a reply-dev b conns 0 rate 10 duration 1', '33: invalid conns "0": must be 1-4000000'],
    ['traffic dev a reply-dev b conns 5000000 rate 10 duration 1', '33: invalid conns "5000000": must be 1-4000000'],
    ['traffic dev a reply-dev b conns 1 rate 1000000 duration 100', '57: rate × duration is 100000000 packets: at most 50000000 per traffic command'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 flow-size zipf 1', '63: invalid flow-size "zipf": expected pareto ALPHA MIN, lognormal MU SIGMA or fixed N'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 flow-size pareto 0 1', '70: invalid pareto alpha "0": must be positive'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 tcp udp', '57: duplicate "tcp/udp"'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 order lifo', '59: invalid order "lifo": expected random or round-robin'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 speed 3', '53: unexpected "speed"'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 src 2001:db8::/64', '57: src and dst must be of one family: the default dst 10.0.0.1 is IPv4, give both as IPv6 prefixes'],
    ['traffic dev a reply-dev b conns 1 rate 1 duration 1 src 2001:db8::/64 dst 10.0.0.2', '75: src and dst must be of one family'],
  ])('%s', (line, message) => {
    expect(error(line)).toBe(message);
  });
});
