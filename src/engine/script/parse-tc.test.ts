import { describe, expect, it } from 'vitest';
import { errorAt, filterOf, parseError, parseOne, withoutSpans } from './test-support';

const parsed = (text: string) => withoutSpans(parseOne(text));
const rejects = (text: string, needle: string, message: string, nth = 1) => expect(parseError(text)).toEqual(errorAt(text, needle, message, nth));

describe('tc qdisc', () => {
  it('adds, replaces and deletes ingress and clsact, with the ffff: handle or abbreviated verbs', () => {
    expect(parsed('tc qdisc add dev eth0 handle ffff: ingress')).toEqual({ kind: 'tc.qdisc', op: 'add', dev: { value: 'eth0' }, qdisc: 'ingress' });
    expect(parsed('tc qdisc replace dev eth0 clsact')).toMatchObject({ op: 'replace', qdisc: 'clsact' });
    expect(parsed('tc qdisc del dev eth0 ingress')).toMatchObject({ op: 'del', qdisc: 'ingress' });
    expect(parsed('tc q a dev eth0 ingress')).toMatchObject({ op: 'add', qdisc: 'ingress' });
  });

  it('gives the command the span of its verb', () => {
    expect(parseOne('tc qdisc add dev eth0 ingress').span).toEqual({ line: 1, col: 10, end: 13 });
  });

  it.each([
    ['tc qdisc add dev eth0 ingress_block 22 ingress', 'ingress_block', 'shared blocks are not supported by the simulator: use one ingress or clsact qdisc per device'],
    ['tc qdisc add dev eth0 handle 1: ingress', '1:', 'invalid handle "1:": the ingress and clsact qdiscs use handle ffff:'],
    ['tc qdisc add dev eth0 parent ffff:fff1 ingress', 'ingress', 'Error: "ingress" is a duplicate parent ID'],
    ['tc qdisc del dev eth0 parent ffff:', 'ffff:', 'name the qdisc ("ingress" or "clsact") instead of "parent ffff:"'],
    ['tc qdisc add dev eth0 root htb', 'root', 'root qdiscs are not supported by the simulator: use ingress or clsact'],
    ['tc qdisc add dev eth0 fq_codel', 'fq_codel', 'qdisc "fq_codel" is not supported by the simulator: use ingress or clsact'],
    ['tc qdisc add dev eth0 bogus', 'bogus', 'Unknown qdisc "bogus"'],
    ['tc qdisc add ingress', 'add', 'missing "dev DEVICE"'],
    ['tc qdisc add dev eth0', 'add', 'missing qdisc kind: ingress or clsact'],
    ['tc qdisc add dev eth0 ingress extra', 'extra', 'unexpected "extra"'],
    ['tc qdisc show dev eth0', 'show', '"tc qdisc show" is not supported by the simulator'],
    ['tc qdisc frob', 'frob', 'Command "frob" is unknown, try "tc qdisc help".'],
    ['tc qdisc add dev eth0 dev eth1 ingress', 'dev', 'duplicate "dev"', 2],
  ])('rejects %s', (text, needle, message, nth = 1) => rejects(text, needle, message, nth));
});

describe('tc filter add|replace|change', () => {
  it('takes the options before flower in any order, with abbreviations', () => {
    const f = withoutSpans(filterOf('tc filter replace dev eth0 proto 0x800 pref 010 handle 0x10 chain 7 egress flower'));
    expect(f).toEqual({ dev: { value: 'eth0' }, hook: 'egress', chain: 7, prio: 8, handle: 16, protocol: 0x0800, keys: { ethType: 0x0800 }, skipHw: false, skipSw: false, verbose: false, actions: [] });
    expect(parseOne('tc filter change dev eth0 ingress prio 1 handle 1 flower')).toMatchObject({ kind: 'tc.filter.add', op: 'change' });
  });

  it('uses protocol all (0 in the AST, no eth_type) when none is given, and 0 for handle and prio means "pick one"', () => {
    expect(withoutSpans(filterOf('tc filter add dev eth0 ingress prio 0 handle 0 flower'))).toEqual({
      dev: { value: 'eth0' }, hook: 'ingress', chain: 0, protocol: 0, keys: {}, skipHw: false, skipSw: false, verbose: false, actions: [],
    });
  });

  it('maps parent ffff: and the clsact minors to hooks', () => {
    expect(filterOf('tc filter add dev eth0 parent ffff: flower').hook).toBe('ingress');
    expect(filterOf('tc filter add dev eth0 parent ffff:fff2 flower').hook).toBe('ingress');
    expect(filterOf('tc filter add dev eth0 parent ffff:fff3 flower').hook).toBe('egress');
  });

  it('keeps the device span for the simulator to check', () => {
    expect(filterOf('tc filter add dev rep0 ingress flower').dev).toEqual({ value: 'rep0', span: { line: 1, col: 19, end: 23 } });
  });

  it.each([
    ['tc filter add dev eth0 ingress u32 match ip dst 1.1.1.1', 'u32', 'filter "u32" is not supported by the simulator: use flower'],
    ['tc filter add dev eth0 ingress flowr', 'flowr', 'Unknown filter "flowr"'],
    ['tc filter add dev eth0 ingress pref 1', 'add', 'Filter kind must be specified: "flower"'],
    ['tc filter add dev eth0 flower', 'add', 'missing "ingress", "egress" or "parent ffff:"'],
    ['tc filter add ingress flower', 'add', 'missing "dev DEVICE"'],
    ['tc filter add dev eth0 ingress egress flower', 'egress', 'Error: "egress" is duplicate parent ID'],
    ['tc filter add dev eth0 parent 1: flower', '1:', 'parent "1:" is not supported by the simulator: use ingress, egress, parent ffff: (ingress) or parent ffff:fff3 (egress)'],
    ['tc filter add dev eth0 root flower', 'root', 'root qdisc filters are not supported by the simulator: use ingress or egress'],
    ['tc filter add block 1 flower', 'block', 'shared blocks are not supported by the simulator: attach filters with dev DEV ingress'],
    ['tc filter add dev eth0 ingress prio 70000 flower', '70000', 'invalid priority "70000": must be 0-65535'],
    ['tc filter add dev eth0 ingress chain 268435456 flower', '268435456', 'invalid chain index "268435456": must be 0-268435455'],
    ['tc filter add dev eth0 ingress protocol ipx flower', 'ipx', 'invalid protocol "ipx": use ip, ipv6, all or an ethertype such as 0x0800'],
    ['tc filter add dev eth0 ingress handle zz flower', 'zz', 'invalid handle "zz": expected a number'],
    ['tc filter add dev eth0 ingress chain 1 chain 2 flower', 'chain', 'duplicate "chain"', 2],
    ['tc filter add dev eth0 ingress pref 1 prio 2 flower', 'prio', 'duplicate "preference"'],
    ['tc filter add dev eth0 ingress estimator 1s 8s flower', 'estimator', '"estimator" is not supported by the simulator'],
    ['tc filter get dev eth0 ingress', 'get', '"tc filter get" is not supported by the simulator'],
    ['tc filter zap', 'zap', 'Command "zap" is unknown, try "tc filter help".'],
    ['tc filter', 'filter', 'missing argument after "filter"'],
  ])('rejects %s', (text, needle, message, nth = 1) => rejects(text, needle, message, nth));
});

describe('tc filter del|show', () => {
  it('deletes one filter, a prio, a chain or the whole hook', () => {
    expect(parsed('tc filter del dev eth0 ingress pref 1 handle 0x2 flower')).toEqual({ kind: 'tc.filter.del', dev: { value: 'eth0' }, hook: 'ingress', prio: 1, handle: 2 });
    expect(parsed('tc filter delete dev eth0 ingress chain 2 prio 3 protocol ip')).toEqual({ kind: 'tc.filter.del', dev: { value: 'eth0' }, hook: 'ingress', chain: 2, prio: 3 });
    expect(parsed('tc filter del dev eth0 egress chain 4')).toEqual({ kind: 'tc.filter.del', dev: { value: 'eth0' }, hook: 'egress', chain: 4 });
    expect(parsed('tc filter del dev eth0 ingress')).toEqual({ kind: 'tc.filter.del', dev: { value: 'eth0' }, hook: 'ingress' });
  });

  it.each([
    ['tc filter del dev eth0 ingress flower', 'del', 'Cannot flush filters with protocol, handle or kind set: add "pref N"'],
    ['tc filter del dev eth0 ingress pref 1 handle 1', '1', 'Must specify filter type when using "handle"', 2],
    ['tc filter del dev eth0 ingress pref 1 flower ip_proto tcp', 'ip_proto', 'unexpected "ip_proto"'],
  ])('rejects %s', (text, needle, message, nth = 1) => rejects(text, needle, message, nth));

  it('shows a hook, a chain, with -s / -stats / --stats', () => {
    expect(parsed('tc filter show dev eth0 ingress')).toEqual({ kind: 'tc.filter.show', dev: { value: 'eth0' }, hook: 'ingress', stats: false });
    expect(parsed('tc -s filter ls dev eth0 egress chain 1')).toEqual({ kind: 'tc.filter.show', dev: { value: 'eth0' }, hook: 'egress', stats: true, chain: 1 });
    expect(parsed('tc -statistics filter list dev eth0 ingress')).toMatchObject({ stats: true });
    expect(parsed('tc --stats filter show dev eth0 ingress')).toMatchObject({ stats: true });
  });

  it.each([
    ['tc filter show dev eth0 ingress flower', 'flower', 'What is "flower"? Try "tc filter help"'],
    ['tc filter show dev eth0 ingress handle 1', 'show', 'filtering "tc filter show" by handle is not supported by the simulator'],
    ['tc filter show dev eth0', 'show', 'missing "ingress", "egress" or "parent ffff:"'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});

describe('tc chain', () => {
  it('adds and deletes chains', () => {
    expect(parsed('tc chain add dev eth0 ingress chain 3')).toEqual({ kind: 'tc.chain', op: 'add', dev: { value: 'eth0' }, hook: 'ingress', chain: 3 });
    expect(parsed('tc chain del dev eth0 egress chain 0x10')).toMatchObject({ op: 'del', hook: 'egress', chain: 16 });
  });

  it.each([
    ['tc chain add dev eth0 ingress chain 3 flower dst_mac 00:00:00:00:00:01', 'flower', 'chain templates are not supported by the simulator'],
    ['tc chain add dev eth0 ingress chain 3 prio 1', 'add', '"tc chain" takes only dev, ingress|egress and chain'],
    ['tc chain show dev eth0 ingress', 'show', '"tc chain show" is not supported by the simulator'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});

describe('tc actions', () => {
  it('adds, replaces, deletes, lists and flushes standalone actions', () => {
    expect(parsed('tc actions add action ct zone 1 index 1 action gact drop index 2')).toMatchObject({ kind: 'tc.actions.add', op: 'add', actions: [{ index: 1 }, { index: 2 }] });
    expect(parsed('tc actions replace action ct commit index 1')).toMatchObject({ op: 'replace' });
    expect(parsed('tc actions change action ct commit index 1')).toMatchObject({ op: 'replace' });
    expect(parsed('tc action add ct index 3')).toMatchObject({ actions: [{ body: { kind: 'ct' }, index: 3, bindOnly: true }] });
    expect(parsed('tc actions del action ct index 42')).toEqual({ kind: 'tc.actions.del', action: 'ct', index: 42 });
    expect(parsed('tc -s actions ls action ct')).toEqual({ kind: 'tc.actions.ls', action: 'ct', stats: true });
    expect(parsed('tc actions list action mirred')).toEqual({ kind: 'tc.actions.ls', action: 'mirred', stats: false });
    expect(parsed('tc actions flush action gact')).toEqual({ kind: 'tc.actions.flush', action: 'gact' });
  });

  it.each([
    ['tc actions add', 'add', 'missing action after "add"'],
    ['tc actions del action ct', 'del', 'Error: no index specified action: ct'],
    ['tc actions del action ct index 0', '0', 'invalid index "0": must be 1-4294967295'],
    ['tc actions del action ct index 1 action ct index 2', 'action', 'deleting several actions in one command is not supported by the simulator', 3],
    ['tc actions ls action skbedit', 'skbedit', 'Error: non existent action: skbedit'],
    ['tc actions ls ct', 'ct', 'expected "action KIND", got "ct"', 2],
    ['tc actions get action ct index 1', 'get', '"tc actions get" is not supported by the simulator'],
  ])('rejects %s', (text, needle, message, nth = 1) => rejects(text, needle, message, nth));
});

describe('tc options and objects', () => {
  it.each([
    ['tc -d filter show dev eth0 ingress', '-d', 'option "-d" is not supported by the simulator'],
    ['tc -x filter show dev eth0 ingress', '-x', 'Option "-x" is unknown, try "tc -help".'],
    ['tc class add dev eth0', 'class', '"tc class" is not supported by the simulator'],
    ['tc frob', 'frob', 'Object "frob" is unknown, try "tc help".'],
    ['tc', 'tc', 'missing argument after "tc"'],
  ])('rejects %s', (text, needle, message) => rejects(text, needle, message));
});
