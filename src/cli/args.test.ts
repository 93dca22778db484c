import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('parseArgs', () => {
  it('takes one scenario file with the default seed and no trace', () => {
    expect(parseArgs(['talk.sim'])).toEqual({ kind: 'run', options: { file: 'talk.sim', seed: 1, check: false } });
  });

  it('treats - as standard input, not as an option', () => {
    expect(parseArgs(['-'])).toEqual({ kind: 'run', options: { file: '-', seed: 1, check: false } });
  });

  it('accepts --seed and --trace as separate or = forms, before or after the file', () => {
    const expected = { kind: 'run', options: { file: 'a.sim', seed: 42, check: false, trace: 'out.jsonl' } };
    expect(parseArgs(['--seed', '42', '--trace', 'out.jsonl', 'a.sim'])).toEqual(expected);
    expect(parseArgs(['a.sim', '--seed=42', '--trace=out.jsonl'])).toEqual(expected);
  });

  it('accepts --trace - (standard error)', () => {
    expect(parseArgs(['--trace', '-', 'a.sim'])).toEqual({ kind: 'run', options: { file: 'a.sim', seed: 1, check: false, trace: '-' } });
  });

  it('accepts the whole unsigned 32-bit seed range', () => {
    expect(parseArgs(['--seed', '0', 'a'])).toEqual({ kind: 'run', options: { file: 'a', seed: 0, check: false } });
    expect(parseArgs(['--seed', '4294967295', 'a'])).toEqual({ kind: 'run', options: { file: 'a', seed: 4294967295, check: false } });
  });

  it('lets -- end the options so a file may start with a dash', () => {
    expect(parseArgs(['--', '--odd.sim'])).toEqual({ kind: 'run', options: { file: '--odd.sim', seed: 1, check: false } });
  });

  it.each([['-h'], ['--help']])('returns help for %s, even with other arguments', (flag) => {
    expect(parseArgs(['a.sim', flag])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'missing scenario FILE (use - for standard input)'],
    [['a.sim', 'b.sim'], "unexpected argument 'b.sim': give one scenario FILE"],
    [['--verbose', 'a.sim'], "unknown option '--verbose'"],
    [['-x', 'a.sim'], "unknown option '-x'"],
    [['--colour=no', 'a.sim'], "unknown option '--colour'"],
    [['a.sim', '--seed'], "option '--seed' needs a value"],
    [['a.sim', '--trace'], "option '--trace' needs a value"],
    [['--trace=', 'a.sim'], "option '--trace' needs a path (or - for standard error)"],
    [['--seed', 'x', 'a.sim'], "bad --seed 'x': expected an integer from 0 to 4294967295"],
    [['--seed', '-1', 'a.sim'], "bad --seed '-1': expected an integer from 0 to 4294967295"],
    [['--seed', '1.5', 'a.sim'], "bad --seed '1.5': expected an integer from 0 to 4294967295"],
    [['--seed', '4294967296', 'a.sim'], "bad --seed '4294967296': expected an integer from 0 to 4294967295"],
    [['--seed=', 'a.sim'], "bad --seed '': expected an integer from 0 to 4294967295"],
  ])('rejects %j as misuse', (argv, message) => {
    expect(parseArgs(argv)).toEqual({ kind: 'misuse', message });
  });
});

describe('--check', () => {
  it('asks for the inline expectations to be compared', () => {
    expect(parseArgs(['--check', 'a.sim'])).toEqual({ kind: 'run', options: { file: 'a.sim', seed: 1, check: true } });
  });
});

describe('--pcap', () => {
  it('takes a capture file and optionally one device', () => {
    expect(parseArgs(['--pcap', 'out.pcapng', 'a.sim'])).toEqual({ kind: 'run', options: { file: 'a.sim', seed: 1, check: false, pcap: 'out.pcapng' } });
    expect(parseArgs(['a.sim', '--pcap=x.pcapng', '--pcap-dev', 'rep0'])).toEqual({ kind: 'run', options: { file: 'a.sim', seed: 1, check: false, pcap: 'x.pcapng', pcapDev: 'rep0' } });
  });

  it.each([
    [['--pcap=', 'a.sim'], "option '--pcap' needs a path"],
    [['--pcap-dev', 'rep0', 'a.sim'], "option '--pcap-dev' needs --pcap"],
    [['--pcap', 'x', '--pcap-dev=', 'a.sim'], "option '--pcap-dev' needs a device name"],
  ])('rejects %j as misuse', (argv, message) => {
    expect(parseArgs(argv)).toEqual({ kind: 'misuse', message });
  });
});
