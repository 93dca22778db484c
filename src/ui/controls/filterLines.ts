/**
 * The command lines behind the controls, built from the lines that made the filters (the
 * worker's `source`): a filter replace with other skip flags, a single filter's delete, and
 * the round trip an engineer does to switch hw-tc-offload on a port that has offloaded
 * filters (mlx5 refuses `hw-tc-offload off` while it has any): take the device's filters out,
 * switch, put the same lines back.
 */
import type { DeviceFilters, FilterRowView } from '../../worker/protocol';

export type SkipFlag = 'skip_hw' | 'skip_sw' | null;

const hex = (n: number) => `0x${n.toString(16)}`;

/** `tc filter replace …` of the same filter (its handle named) with `skip` as its only skip flag. */
export function replaceWithSkip(source: string, handle: number, skip: SkipFlag): string {
  const tokens = source.trim().split(/\s+/).filter((t) => t !== 'skip_hw' && t !== 'skip_sw');
  if (tokens[0] !== 'tc' || tokens[1] !== 'filter') throw new Error(`not a tc filter line: ${source}`);
  tokens[2] = 'replace';
  if (!tokens.includes('handle')) {
    const at = tokens.findIndex((t) => t === 'protocol' || t === 'proto' || t === 'flower');
    tokens.splice(at, 0, 'handle', hex(handle));
  }
  if (skip) tokens.splice(tokens.indexOf('flower') + 1, 0, skip);
  return tokens.join(' ');
}

/** The filter's line with `add` for `replace` made editable: what the rule editor prefills. */
export function editLine(source: string, handle: number): string {
  const tokens = source.trim().split(/\s+/);
  const skip = tokens.includes('skip_hw') ? 'skip_hw' : tokens.includes('skip_sw') ? 'skip_sw' : null;
  return replaceWithSkip(source, handle, skip);
}

/** Deletes one flower filter: iproute2 wants chain, pref, handle and the kind. */
export function deleteLine(dev: string, hook: string, f: Pick<FilterRowView, 'chain' | 'prio' | 'handle'>): string {
  return `tc filter del dev ${dev} ${hook} chain ${f.chain} prio ${f.prio} handle ${hex(f.handle)} flower`;
}

/**
 * The lines that switch hw-tc-offload on `dev` with its filters taken out and put back (so
 * they are offered to the driver again under the new setting): for off, delete, switch,
 * re-add (they come back not_in_hw); for on, switch, delete, re-add (they go back in_hw).
 * A string when it cannot be done: a filter whose line the simulator does not know.
 */
export function offloadRoundTrip(dev: DeviceFilters, on: boolean): string[] | string {
  const unknown = dev.filters.find((f) => f.source === null);
  if (unknown) return `the line that added ${dev.dev}'s filter chain ${unknown.chain} prio ${unknown.prio} is not known: take the filters out by hand in the shell`;
  const ordered = [...dev.filters].sort((a, b) => a.chain - b.chain || a.prio - b.prio || a.handle - b.handle);
  const chains = [...new Set(ordered.map((f) => f.chain))];
  const dels = chains.map((c) => `tc filter del dev ${dev.dev} ${dev.hook} chain ${c}`);
  const ethtool = `ethtool -K ${dev.dev} hw-tc-offload ${on ? 'on' : 'off'}`;
  const adds = ordered.map((f) => f.source!);
  return on ? [ethtool, ...dels, ...adds] : [...dels, ethtool, ...adds];
}
