/**
 * What the page must show for each `expect` of a scenario, and whether what it shows agrees.
 * Pure: the readers (page-readers.ts) hand in what they read from the rendered regions, these
 * functions compare it with the assertion and word both sides as the assertion does
 * (`flags ASSURED,OFFLOAD`, `count 2`), so a failure reads like the CLI's message.
 */
import type { ExpectCheck, ExpectRestored, ExpectTuple, Masked } from '../../src/engine/script/ast';
import { parseScript } from '../../src/engine/script/parse';
import { CT_STATE_FLAGS } from '../../src/engine/script/parse-flower';
import { formatAddr } from '../../src/engine/model/addr';

/** One `expect` line of a scenario. */
export interface ExpectLine {
  line: number;
  col: number;
  /** The assertion as written. */
  text: string;
  check: ExpectCheck;
}

/** The expect lines of a scenario in order, or where it does not parse. */
export function expectLines(text: string): { lines: ExpectLine[] } | { error: { line: number; col: number; message: string } } {
  const parsed = parseScript(text);
  if (!parsed.ok) return { error: parsed.error };
  const lines: ExpectLine[] = [];
  for (const c of parsed.commands) if (c.kind === 'expect') lines.push({ line: c.span.line, col: c.span.col, text: c.text, check: c.check });
  return { lines };
}

/** A fact as one view of the page shows it, against what the expectation asserts. */
export interface PageFact {
  /** Where it was read: a region (and the part of it). */
  view: string;
  expected: string;
  found: string;
  ok: boolean;
}

const fact = (view: string, expected: string, found: string): PageFact => ({ view, expected, found, ok: expected === found });

// ---- conntrack ------------------------------------------------------------------------------

/** A row of the "Conntrack entries" table as rendered. */
export interface CtRowFacts {
  zone: number;
  /** The protocol cell (`tcp`, `icmpv6`, …). */
  proto: string;
  /** The original tuple as conntrack writes it (the cell's title): `src=… dst=… sport=… dport=…`. */
  orig: string;
  /** The state cell ('' for protocols without one). */
  state: string;
  /** The flags cell's bracketed words, in order. */
  flags: string[];
  mark: number;
}

const CT_PROTO_CELL: Record<ExpectTuple['proto'], string> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp', icmp6: 'icmpv6' };

/**
 * The text typed into the table's "Address filter" to narrow it to the tuple: the start of the
 * entry as `conntrack -L` writes it, up to the first port left out.
 */
export function addressFilterText(t: ExpectTuple): string {
  const ends = `src=${formatAddr(t.family, t.src)} dst=${formatAddr(t.family, t.dst)}`;
  if (t.proto === 'icmp' || t.proto === 'icmp6' || t.sport < 0) return ends;
  return t.dport < 0 ? `${ends} sport=${t.sport}` : `${ends} sport=${t.sport} dport=${t.dport}`;
}

/** Whether a rendered row is the entry the tuple (and zone) names; a port of -1 matches any. */
export function rowMatches(row: CtRowFacts, t: ExpectTuple, zone: number | undefined): boolean {
  if (zone !== undefined && row.zone !== zone) return false;
  if (row.proto !== CT_PROTO_CELL[t.proto]) return false;
  const f = Object.fromEntries(row.orig.split(' ').map((kv) => kv.split('=') as [string, string]));
  if (f.src !== formatAddr(t.family, t.src) || f.dst !== formatAddr(t.family, t.dst)) return false;
  if (t.proto === 'icmp' || t.proto === 'icmp6') return true;
  return (t.sport < 0 || Number(f.sport) === t.sport) && (t.dport < 0 || Number(f.dport) === t.dport);
}

const flagsWords = (flags: readonly string[]): string => (flags.length ? flags.join(',') : 'none');

/** The asserted parts of an entry check, in the assertion's order and words. */
function entryWords(c: Extract<ExpectCheck, { kind: 'conntrack.entry' }>, row: { state: string; flags: readonly string[]; mark: number }, sortFlags: boolean): string {
  const parts: string[] = [];
  if (c.state !== undefined) parts.push(`state ${row.state || '(none)'}`);
  if (c.flags) parts.push(`flags ${flagsWords(sortFlags ? [...row.flags].sort() : row.flags)}`);
  if (c.mark !== undefined) parts.push(`mark ${row.mark}`);
  return parts.length ? parts.join(' ') : 'one entry';
}

const CT_VIEW = 'Conntrack table';

function rowsWord(n: number): string {
  return n === 0 ? 'no entry' : `${n} entries`;
}

/** An entry check against the rows the filtered table shows. */
export function conntrackEntryFact(c: Extract<ExpectCheck, { kind: 'conntrack.entry' }>, rows: readonly CtRowFacts[]): PageFact {
  const picked = rows.filter((r) => rowMatches(r, c.tuple, c.zone));
  const want = { state: c.state ?? '', flags: c.flags ?? [], mark: c.mark ?? 0 };
  const expected = entryWords(c, want, false);
  if (picked.length !== 1) return { view: CT_VIEW, expected, found: rowsWord(picked.length), ok: false };
  // The flag set is exact but unordered: compared sorted, shown in conntrack's order.
  const ok = entryWords(c, picked[0], true) === entryWords(c, want, true);
  return { view: CT_VIEW, expected, found: entryWords(c, picked[0], false), ok };
}

export function conntrackAbsentFact(c: Extract<ExpectCheck, { kind: 'conntrack.absent' }>, rows: readonly CtRowFacts[]): PageFact {
  const picked = rows.filter((r) => rowMatches(r, c.tuple, c.zone));
  const found = picked.length === 1 ? `an entry: ${picked[0].state ? `state ${picked[0].state} ` : ''}flags ${flagsWords(picked[0].flags)}` : rowsWord(picked.length);
  return fact(CT_VIEW, 'no entry', found);
}

/** `1,234 entries` (the table's total under its filters) → 1234. */
export function parseTotal(text: string): number | null {
  const m = /([\d,]+)\s+(?:entry|entries|flows?|connections)\b/.exec(text);
  return m ? Number(m[1].replaceAll(',', '')) : null;
}

/** The Hardware region's CT table line, `3 / 2,000,000 connections (6 entries) …` → 3. */
export function parseHwConnections(text: string): number | null {
  const m = /([\d,]+)\s*\/\s*[\d,]+\s+connections/.exec(text);
  return m ? Number(m[1].replaceAll(',', '')) : null;
}

export function countFact(view: string, word: string, expected: number, found: number | null): PageFact {
  return fact(view, `${word} ${expected}`, found === null ? 'not shown' : `${word} ${found}`);
}

// ---- filters ---------------------------------------------------------------------------------

/** A filter's counters and offload state as one view shows them. */
export interface FilterFacts {
  sw: number;
  hw: number;
  inHw: boolean;
}

/** The asserted parts of a filter check (sw, hw, in_hw), in the assertion's order. */
function filterWords(c: Extract<ExpectCheck, { kind: 'filter' }>, f: FilterFacts): string {
  const parts: string[] = [];
  if (c.sw !== undefined) parts.push(`sw ${f.sw}`);
  if (c.hw !== undefined) parts.push(`hw ${f.hw}`);
  if (c.inHw !== undefined) parts.push(f.inHw ? 'in_hw' : 'not_in_hw');
  return parts.length ? parts.join(' ') : 'one filter';
}

/** A filter check against the filters one view shows at the place (several: name the handle). */
export function filterFact(view: string, c: Extract<ExpectCheck, { kind: 'filter' }>, shown: readonly FilterFacts[]): PageFact {
  const expected = filterWords(c, { sw: c.sw ?? 0, hw: c.hw ?? 0, inHw: c.inHw ?? false });
  if (shown.length !== 1) return { view, expected, found: shown.length ? `${shown.length} filters` : 'no filter', ok: false };
  return fact(view, expected, filterWords(c, shown[0]));
}

// ---- the last packet -------------------------------------------------------------------------

/** The last packet's journey as the Inspector shows it. */
export interface PacketFacts {
  /** The path tag's words (`software only`, `hardware miss → software`, …). */
  pathLabel: string;
  /** The miss step's skb metadata (`chain 2 · ct_state +trk+est · zone 1`) and where software resumed, if it missed. */
  miss?: { resumedChain?: number; meta: string };
  /** The delivery step: the device (its place) and what it says (`delivered to vm0`). */
  delivered?: { dev: string; target: string };
  /** The drop step's reason. */
  dropped?: string;
}

const PATH_OF_LABEL: Record<string, string> = {
  'software only': 'software',
  'hardware only': 'hardware',
  'hardware miss → software': 'miss',
  dropped: 'dropped',
};

const INSPECTOR = 'Inspector';

function ctStateWords(m: Masked): string {
  return CT_STATE_FLAGS.filter(([, bit]) => m.mask & bit)
    .map(([name, bit]) => `${m.value & bit ? '+' : '-'}${name}`)
    .join('');
}

/** `+trk+est` → its bits (the page writes only the flags that are set). */
function ctStateBits(text: string): number {
  let bits = 0;
  for (const [name, bit] of CT_STATE_FLAGS) if (new RegExp(`\\+${name}(?![a-z])`).test(text)) bits |= bit;
  return bits;
}

/** What the miss step's metadata shows of the keys the assertion names. */
function restoredShown(r: ExpectRestored, meta: string): { words: string[]; ok: boolean } {
  const words: string[] = [];
  let ok = true;
  const take = (key: string, re: RegExp, want: string | undefined, holds: (v: string) => boolean) => {
    if (want === undefined) return;
    const v = re.exec(meta)?.[1];
    words.push(`${key} ${v ?? '(not shown)'}`);
    if (v === undefined || !holds(v)) ok = false;
  };
  take('chain', /\bchain (\d+)/, r.chain?.toString(), (v) => Number(v) === r.chain);
  take('ct_state', /\bct_state ([+\-a-z]+)/, r.ctState && ctStateWords(r.ctState), (v) => (ctStateBits(v) & r.ctState!.mask) === r.ctState!.value);
  take('zone', /\bzone (\d+)/, r.zone?.toString(), (v) => Number(v) === r.zone);
  take('tunnel_id', /\btunnel vni (\d+)/, r.tunnelId?.toString(), (v) => Number(v) === r.tunnelId);
  return { words, ok };
}

function restoredWanted(r: ExpectRestored): string[] {
  const words: string[] = [];
  if (r.chain !== undefined) words.push(`chain ${r.chain}`);
  if (r.ctState) words.push(`ct_state ${ctStateWords(r.ctState)}`);
  if (r.zone !== undefined) words.push(`zone ${r.zone}`);
  if (r.tunnelId !== undefined) words.push(`tunnel_id ${r.tunnelId}`);
  return words;
}

export function lastPathFact(c: Extract<ExpectCheck, { kind: 'last.path' }>, p: PacketFacts | null): PageFact {
  const wanted = restoredWanted(c.restored);
  const expected = [`path ${c.path}`, c.missedChain !== undefined ? `missed chain ${c.missedChain}` : '', wanted.length ? `restored ${wanted.join(' ')}` : ''].filter(Boolean).join(' ');
  if (!p) return { view: INSPECTOR, expected, found: 'no packet shown', ok: false };
  const path = PATH_OF_LABEL[p.pathLabel] ?? `"${p.pathLabel}"`;
  let ok = path === c.path;
  const found = [`path ${path}`];
  if (c.missedChain !== undefined) {
    found.push(`missed chain ${p.miss?.resumedChain ?? '(none)'}`);
    ok &&= p.miss?.resumedChain === c.missedChain;
  }
  if (wanted.length) {
    const shown = p.miss ? restoredShown(c.restored, p.miss.meta) : { words: ['(no miss)'], ok: false };
    found.push(`restored ${shown.words.join(' ')}`);
    ok &&= shown.ok;
  }
  return { view: INSPECTOR, expected, found: found.join(' '), ok };
}

/** DEV names the device the packet left by or where it went (a VM, `wire`, `host`), as the CLI's check does. */
export function lastDeliveredFact(c: Extract<ExpectCheck, { kind: 'last.delivered' }>, p: PacketFacts | null): PageFact {
  const expected = `delivered ${c.dev}`;
  const d = p?.delivered;
  if (!d) return { view: INSPECTOR, expected, found: p?.dropped !== undefined ? `dropped: ${p.dropped}` : 'no delivery', ok: false };
  const ok = c.dev === d.dev || c.dev === d.target || (c.dev === 'host' && d.target === 'host stack');
  return { view: INSPECTOR, expected, found: ok ? expected : `delivered ${d.target} on ${d.dev}`, ok };
}

export function lastDroppedFact(c: Extract<ExpectCheck, { kind: 'last.dropped' }>, p: PacketFacts | null): PageFact {
  const expected = c.reason === undefined ? 'dropped' : `dropped: ${c.reason}`;
  if (p?.dropped === undefined) return { view: INSPECTOR, expected, found: p?.delivered ? `delivered ${p.delivered.target} on ${p.delivered.dev}` : 'no drop', ok: false };
  const ok = c.reason === undefined || p.dropped.includes(c.reason);
  return { view: INSPECTOR, expected, found: ok ? expected : `dropped: ${p.dropped}`, ok };
}
