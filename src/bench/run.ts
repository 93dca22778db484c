/**
 * The whole benchmark: baselines, then the engine at a million connections (100k with
 * `quick`), each figure handed to `emit` as soon as it is measured.
 */
import { generatorTuples, lookupOrder, mapLookupNs, openAddressingLookupNs } from './baselines';
import { runEngineSuite } from './engine';
import { profiledRuns } from './profile';
import { DEFAULT_TRAFFIC } from '../engine/traffic/generator';
import { progress, round3, type Baselines, type Emit } from './report';

export interface BenchOptions {
  quick: boolean;
  emit: Emit;
  /** Where to save each timed run's CPU profile (--profile DIR), if anywhere. */
  profileDir?: string;
}

export async function runBench({ quick, emit, profileDir }: BenchOptions): Promise<void> {
  const conns = quick ? 100_000 : 1_000_000;
  const packets = quick ? 200_000 : 2_000_000;

  progress(`baselines over ${conns} tuples`);
  const tuples = generatorTuples(conns, DEFAULT_TRAFFIC.src, DEFAULT_TRAFFIC.dst, DEFAULT_TRAFFIC.dport);
  const order = lookupOrder(conns, 2 * conns, 7);
  const baselines: Baselines = { mapNs: mapLookupNs(tuples, order), oaNs: openAddressingLookupNs(tuples, order) };
  const note = `${order.length} lookups in random order over ${conns} TCP 5-tuples`;
  emit({ name: 'baseline_map_lookup_ns', value: round3(baselines.mapNs), unit: 'ns', target: null, better: 'lower', baseline_ratio: null, note: `Map<string, number>, prebuilt key strings; ${note}` });
  emit({ name: 'baseline_oa_lookup_ns', value: round3(baselines.oaNs), unit: 'ns', target: null, better: 'lower', baseline_ratio: null, note: `typed-array open addressing, key inline in the slot, linear probing, load 0.5; ${note}` });

  await runEngineSuite({ conns, packets, baselines, emit, time: profileDir ? profiledRuns(profileDir) : undefined });
}

