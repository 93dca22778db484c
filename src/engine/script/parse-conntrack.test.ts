import { describe, expect, it } from 'vitest';
import { IPS_ASSURED, IPS_SEEN_REPLY } from '../conntrack/types';
import { parseIpv4 } from '../model/addr';
import { CT_EVENT_ALL, CT_EVENT_DESTROY, CT_EVENT_NEW } from './ast';
import { errorAt, parseError, parseOne, withoutSpans } from './test-support';

const parsed = (text: string) => withoutSpans(parseOne(text));
const rejects = (text: string, needle: string, message: string, nth = 1) => expect(parseError(text)).toEqual(errorAt(text, needle, message, nth));
const PLAIN = { extended: false, id: false, userspace: false };

describe('conntrack commands', () => {
  it('lists with filters and output flags', () => {
    expect(parsed('conntrack -L -w 2 -p tcp')).toEqual({ kind: 'conntrack.list', filter: { zone: 2, proto: 6 }, output: PLAIN });
    expect(parsed('conntrack --dump conntrack --zone=5 --proto=17 -f ipv4 -o extended,id')).toEqual({
      kind: 'conntrack.list', filter: { zone: 5, proto: 17 }, output: { extended: true, id: true, userspace: false },
    });
    expect(parsed('conntrack -L -s 10.0.0.0/24 -d 192.0.2.1 -r 10.0.0.1 -q 192.0.2.1 --mark 0x10/0xf0 -u ASSURED,SEEN_REPLY')).toEqual({
      kind: 'conntrack.list',
      filter: {
        origSrc: { addr: parseIpv4('10.0.0.0'), len: 24 }, origDst: { addr: parseIpv4('192.0.2.1'), len: 32 },
        replySrc: parseIpv4('10.0.0.1'), replyDst: parseIpv4('192.0.2.1'), mark: { value: 0x10, mask: 0xf0 }, status: IPS_ASSURED | IPS_SEEN_REPLY,
      },
      output: PLAIN,
    });
  });

  it('deletes and updates with port filters after -p', () => {
    expect(parsed('conntrack -D -p tcp --dport 80 --sport=40000 --reply-port-src 80')).toEqual({
      kind: 'conntrack.delete', filter: { proto: 6, origDport: 80, origSport: 40000, replySport: 80 }, output: PLAIN,
    });
    // -U's --mark is the value to set, not a filter.
    expect(parsed('conntrack -U -p udp --mark 7')).toEqual({ kind: 'conntrack.update', filter: { proto: 17 }, mark: { value: 7, mask: 0xffffffff }, output: PLAIN });
  });

  it('watches events in the background, with an event mask', () => {
    expect(parsed('conntrack -E &')).toEqual({ kind: 'conntrack.events', filter: {}, eventMask: CT_EVENT_ALL, output: PLAIN });
    expect(parsed('conntrack -E& # watch')).toEqual({ kind: 'conntrack.events', filter: {}, eventMask: CT_EVENT_ALL, output: PLAIN });
    expect(parsed('conntrack -E -e NEW,destroy -w 1 -o userspace &')).toEqual({
      kind: 'conntrack.events', filter: { zone: 1 }, eventMask: CT_EVENT_NEW | CT_EVENT_DESTROY, output: { extended: false, id: false, userspace: true },
    });
  });

  it('counts, flushes, shows statistics; kill stops a job', () => {
    expect(parsed('conntrack -F')).toEqual({ kind: 'conntrack.flush' });
    expect(parsed('conntrack --count')).toEqual({ kind: 'conntrack.count' });
    expect(parsed('conntrack -S')).toEqual({ kind: 'conntrack.stats' });
    expect(parsed('kill %1')).toEqual({ kind: 'kill', job: { value: 1 }, signal: 'TERM' });
    expect(parsed('kill -INT %%')).toEqual({ kind: 'kill', signal: 'INT' });
    expect(parsed('kill -s KILL %2')).toEqual({ kind: 'kill', job: { value: 2 }, signal: 'KILL' });
    expect(parsed('kill -9 %')).toEqual({ kind: 'kill', signal: 'KILL' });
  });

  it.each([
    ['conntrack -L -z', '-z', 'conntrack -z (--zero) is not supported by the simulator; the zone option is -w (--zone)'],
    ['conntrack -I', '-I', 'conntrack "-I" is not supported by the simulator: use -L, -D, -U, -E, -S, -F or -C'],
    ['conntrack -E', '-E', 'conntrack -E runs until it is stopped: start it in the background (conntrack -E &) and stop it with kill %N'],
    ['conntrack -L &', '&', 'only conntrack -E runs in the background (&)'],
    ['sleep 1 &', '&', 'only conntrack -E runs in the background (&)'],
    ['conntrack -E & echo x', '&', 'shell syntax "&" is not supported: write one command per line'],
    ['conntrack -E && echo x', '&&', 'shell syntax "&&" is not supported: write one command per line'],
    ['&', '&', 'missing command before "&"'],
    ['conntrack -L -F', '-F', 'conntrack: only one command at a time'],
    ['conntrack -w 1', 'conntrack', 'conntrack: missing command (-L, -D, -U, -E, -S, -F or -C)'],
    ['conntrack -F -w 1', '-w', "Illegal option `--zone' with this command"],
    ['conntrack -U -w 1 --mark 1', '-w', "Illegal option `--zone' with this command"],
    ['conntrack -E -u ASSURED &', '-u', "Illegal option `--status' with this command"],
    ['conntrack -S -p tcp', '-p', "Illegal option `--protonum' with this command"],
    ['conntrack -L -e NEW', '-e', "Illegal option `--event-mask' with this command"],
    ['conntrack -U -p tcp', '-U', 'conntrack -U: the simulator updates the mark only: give --mark VALUE[/MASK]'],
    ['conntrack -L expect', 'expect', 'the "expect" table is not supported by the simulator'],
    ['conntrack -L -w 70000', '70000', 'invalid zone "70000": must be 0-65535'],
    ['conntrack -L --dport 80', '--dport', "unknown option `--dport': port options follow -p tcp or -p udp"],
    ['conntrack -L -r 10.0.0.0/8', '10.0.0.0/8', "CIDR notation unavailable for `--reply-src'"],
    ['conntrack -L -u FOO', 'FOO', "Bad parameter `FOO'"],
    ['conntrack -L -o xml', 'xml', 'conntrack output "xml" is not supported by the simulator: use extended, id or userspace'],
    ['conntrack -L -p tcp -p udp', '-p', 'duplicate "-p"', 2],
    ['kill 1234', '1234', 'kill: "1234": the simulator stops background jobs only: use a job spec like %1'],
    ['kill -HUP %1', 'HUP', 'kill: HUP: invalid signal specification (the simulator knows TERM, INT and KILL)'],
    ['kill %0', '0', 'invalid job "0": must be 1-65535'],
  ])('rejects %s', (text, needle, message, nth = 1) => rejects(text, needle, message, nth));
});
