import { describe, expect, it } from 'vitest';
import { readNarration, type Narration } from './narration';
import { parseScript } from './parse';
import { runScenario } from '../scenario';
import { splitExpectations } from './expected-output';

const TALK = [
  '## title: The talk\'s web server', // 1
  '## description: HTTP from the wire is allowed;', // 2
  '## description: the VM cannot open connections.', // 3
  '# a plain comment', // 4
  'tc qdisc add dev uplink ingress', // 5
  'tc qdisc add dev rep0 ingress', // 6
  '', // 7
  '## checkpoint: The rules', // 8
  '## say: Untracked HTTP goes to conntrack.', // 9
  '## say: Then chain 2 decides.', // 10
  '## note: Mention zone 1.', // 11
  '## focus: uplink chain 2', // 12
  'tc filter add dev uplink ingress prio 1 chain 0 proto ip flower ip_proto tcp \\', // 13
  '  ct_state -trk action ct zone 1 pipe action goto chain 2', // 14
  '# between', // 15
  'tc filter add dev uplink ingress prio 1 chain 2 proto ip flower ct_state +trk+new action ct zone 1 commit pipe action mirred egress redirect dev rep0', // 16
  '## checkpoint: A client connects', // 17
  '## focus: conntrack', // 18
  'connect dev uplink tcp 192.0.2.10:40000 > 10.0.0.1:80 data 1 close none', // 19
  'conntrack -L', // 20
  '> tcp      6 431999 ESTABLISHED src=192.0.2.10 dst=10.0.0.1 sport=40000 dport=80 ...', // 21
  '', // 22
].join('\n');

function ok(text: string): Narration {
  const n = readNarration(text);
  if ('error' in n) throw new Error(`unexpected error ${JSON.stringify(n.error)}`);
  return n;
}

function error(text: string) {
  const n = readNarration(text);
  if (!('error' in n)) throw new Error('expected an error');
  return n.error;
}

describe('readNarration', () => {
  it('reads the title, the joined description and each checkpoint with its command range', () => {
    expect(ok(TALK)).toEqual({
      title: "The talk's web server",
      description: 'HTTP from the wire is allowed; the VM cannot open connections.',
      checkpoints: [
        {
          index: 1,
          title: 'The rules',
          line: 8,
          firstCommandLine: 13,
          lastCommandLine: 16,
          say: ['Untracked HTTP goes to conntrack.', 'Then chain 2 decides.'],
          notes: ['Mention zone 1.'],
          focus: { kind: 'device', dev: 'uplink', chain: 2 },
        },
        {
          index: 2,
          title: 'A client connects',
          line: 17,
          // the `> ` expected-output line is not a command
          firstCommandLine: 19,
          lastCommandLine: 20,
          say: [],
          notes: [],
          focus: { kind: 'conntrack' },
        },
      ],
    });
  });

  it('gives a script without narration no title and no checkpoints', () => {
    expect(ok('tc qdisc add dev uplink ingress\n# just a comment\n## not a key\n')).toEqual({ checkpoints: [] });
  });

  it('reads every focus form', () => {
    const focus = (f: string) => ok(`## checkpoint: c\n## focus: ${f}\nsleep 1\n`).checkpoints[0].focus;
    expect(focus('rep0')).toEqual({ kind: 'device', dev: 'rep0' });
    expect(focus('uplink chain 0')).toEqual({ kind: 'device', dev: 'uplink', chain: 0 });
    expect(focus('flowtable')).toEqual({ kind: 'flowtable' });
    expect(focus('hw')).toEqual({ kind: 'hw' });
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    const n = ok('\ufeff## title: T\r\n## checkpoint: one\r\nsleep 1\r\n');
    expect(n.title).toBe('T');
    expect(n.checkpoints[0]).toMatchObject({ title: 'one', firstCommandLine: 3, lastCommandLine: 3 });
  });

  it('does not count a line continued by a backslash as a second command', () => {
    const n = ok('## checkpoint: a\nsend dev uplink tcp 192.0.2.1:1 > 10.0.0.1:80 \\\n  flags S\n');
    expect(n.checkpoints[0]).toMatchObject({ firstCommandLine: 2, lastCommandLine: 2 });
  });

  it('reports an unknown key at its column', () => {
    expect(error('sleep 1\n## slide: Intro\n')).toEqual({
      line: 2,
      col: 4,
      message: 'unknown narration key "slide" (expected one of: title, description, checkpoint, say, note, focus)',
    });
  });

  it('reports say, note or focus before any checkpoint', () => {
    expect(error('## title: T\n## say: hello\nsleep 1\n')).toEqual({
      line: 2,
      col: 4,
      message: '"say" before any "## checkpoint:" (it belongs to a checkpoint)',
    });
    expect(error('## note: n\n').message).toBe('"note" before any "## checkpoint:" (it belongs to a checkpoint)');
  });

  it('reports a checkpoint without commands at its marker', () => {
    expect(error('## checkpoint: a\n## checkpoint: b\nsleep 1\n')).toEqual({
      line: 1,
      col: 1,
      message: 'checkpoint "a" has no commands before the next checkpoint or the end',
    });
    expect(error('sleep 1\n## checkpoint: last\n# nothing follows\n').line).toBe(2);
  });

  it('reports empty values, a second title and a second focus', () => {
    expect(error('## checkpoint:   \nsleep 1\n')).toEqual({ line: 1, col: 18, message: 'missing checkpoint title' });
    expect(error('## title: A\n## title: B\n')).toEqual({ line: 2, col: 4, message: 'the title is given twice (first on line 1)' });
    expect(error('## checkpoint: a\n## focus: hw\n## focus: conntrack\nsleep 1\n')).toEqual({
      line: 3,
      col: 4,
      message: 'this checkpoint already has a focus (line 2)',
    });
  });

  it('reports a bad focus at the word that is wrong', () => {
    const focusError = (f: string) => error(`## checkpoint: c\n## focus: ${f}\nsleep 1\n`);
    expect(focusError('uplink table 2')).toEqual({ line: 2, col: 18, message: 'unexpected "table" in focus: expected "chain N"' });
    expect(focusError('uplink chain x')).toEqual({ line: 2, col: 24, message: 'invalid chain index "x": expected a number' });
    expect(focusError('uplink chain')).toEqual({ line: 2, col: 23, message: 'missing chain index after "chain"' });
    expect(focusError('hw 2')).toEqual({ line: 2, col: 14, message: 'unexpected "2" after focus hw' });
    expect(focusError('a/b')).toEqual({ line: 2, col: 11, message: 'invalid device name "a/b": "/" is not allowed' });
    expect(focusError('')).toMatchObject({ line: 2, message: 'missing focus (DEV [chain N], conntrack, flowtable or hw)' });
  });
});

describe('narration in a plain run', () => {
  it('is a comment to the parser: the same commands as without it', () => {
    const { script } = splitExpectations(TALK);
    const plain = script
      .split('\n')
      .map((l) => (l.startsWith('##') ? '' : l))
      .join('\n');
    const withNarration = parseScript(script);
    expect(withNarration.ok).toBe(true);
    expect(withNarration).toEqual(parseScript(plain));
  });

  it('runs as a scenario with unknown keys too (only readNarration rejects them)', () => {
    const result = runScenario('## slide: not a key\ntc qdisc add dev uplink ingress\n');
    expect(result.error).toBeUndefined();
  });
});
