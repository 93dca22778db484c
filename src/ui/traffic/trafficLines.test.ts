import { describe, expect, it } from 'vitest';
import { parseScript } from '../../engine/script/parse';
import { actionLines, CONN_ACTIONS, newConn, sendLine, trafficLine, type Conn } from './trafficLines';

const sides = { client: 'uplink', server: 'rep0' };
const conn = newConn('tcp', '192.0.2.10', 40000, '10.0.0.1', 80);
const snat: Conn = {
  proto: 'tcp',
  orig: { proto: 'tcp', src: '10.0.0.2', dst: '192.0.2.10', sport: 2000, dport: 80 },
  reply: { proto: 'tcp', src: '192.0.2.10', dst: '198.51.100.1', sport: 80, dport: 2001 },
};

describe('traffic lines', () => {
  it('every action gives lines the parser accepts', () => {
    for (const { action } of CONN_ACTIONS) {
      for (const line of actionLines(action, conn, sides)) expect(parseScript(line).ok, line).toBe(true);
    }
  });

  it('replies go from the reply tuple, so NAT is honoured', () => {
    expect(actionLines('udp', { ...snat, proto: 'udp' }, sides)).toEqual(['send dev uplink udp 10.0.0.2:2000 > 192.0.2.10:80', 'send dev rep0 udp 192.0.2.10:80 > 198.51.100.1:2001']);
    expect(actionLines('icmp-error', snat, { client: 'rep0', server: 'uplink' })).toEqual(['send dev uplink icmp 192.0.2.10 > 198.51.100.1 type 3 code 3 inner tcp 198.51.100.1:2001 > 192.0.2.10:80']);
  });

  it('the composer and the generator', () => {
    expect(sendLine({ dev: 'uplink', proto: 'tcp', src: '192.0.2.10:40000', dst: '10.0.0.1:80', flags: 'S', len: 0, count: 1 })).toBe('send dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 flags S');
    expect(sendLine({ dev: 'rep0', proto: 'icmp', src: '10.0.0.1', dst: '192.0.2.1', flags: 'S', len: 64, count: 3 })).toBe('send dev rep0 icmp 10.0.0.1 > 192.0.2.1 len 64 count 3');
    const line = trafficLine({ dev: 'uplink', replyDev: 'rep0', conns: 1000, rate: 10000, duration: 2, proto: 'tcp', flowSize: 'pareto 1.2 10', dport: 80, order: 'random' });
    expect(line).toBe('traffic dev uplink reply-dev rep0 conns 1000 rate 10000 duration 2 tcp flow-size pareto 1.2 10 dport 80');
    expect(parseScript(line).ok).toBe(true);
    const rr = trafficLine({ dev: 'uplink', replyDev: 'rep0', conns: 10, rate: 100, duration: 1, proto: 'udp', flowSize: '', dport: 53, order: 'round-robin' });
    expect(rr).toBe('traffic dev uplink reply-dev rep0 conns 10 rate 100 duration 1 udp dport 53 order round-robin');
    expect(parseScript(rr).ok).toBe(true);
  });
});
