/**
 * `npm run --silent bench [-- --quick]`: the engine's speed and memory at a million
 * connections (100k with --quick), one JSON figure per line on stdout, progress on stderr.
 * Run with --expose-gc (the npm script does) so memory readings are taken on a settled heap.
 */
import { generatorTuples, lookupOrder, mapLookupNs, openAddressingLookupNs } from './baselines';
import { runEngineSuite } from './engine';
import { DEFAULT_TRAFFIC } from '../engine/traffic/generator';
import { printFigure, progress, round3, type Baselines, type Emit } from './report';

export interface BenchOptions {
  quick: boolean;
  emit: Emit;
}

export async function runBench({ quick, emit }: BenchOptions): Promise<void> {
  const conns = quick ? 100_000 : 1_000_000;
  const packets = quick ? 200_000 : 2_000_000;

  progress(`baselines over ${conns} tuples`);
  const tuples = generatorTuples(conns, DEFAULT_TRAFFIC.src, DEFAULT_TRAFFIC.dst, DEFAULT_TRAFFIC.dport);
  const order = lookupOrder(conns, 2 * conns, 7);
  const baselines: Baselines = { mapNs: mapLookupNs(tuples, order), oaNs: openAddressingLookupNs(tuples, order) };
  const note = `${order.length} lookups in random order over ${conns} TCP 5-tuples`;
  emit({ name: 'baseline_map_lookup_ns', value: round3(baselines.mapNs), unit: 'ns', target: null, better: 'lower', baseline_ratio: null, note: `Map<string, number>, prebuilt key strings; ${note}` });
  emit({ name: 'baseline_oa_lookup_ns', value: round3(baselines.oaNs), unit: 'ns', target: null, better: 'lower', baseline_ratio: null, note: `typed-array open addressing, key inline in the slot, linear probing, load 0.5; ${note}` });

  await runEngineSuite({ conns, packets, baselines, emit });
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    process.stderr.write(`bench: unknown option ${unknown[0]}\nusage: npm run --silent bench [-- --quick]\n`);
    process.exit(2);
  }
  runBench({ quick: args.includes('--quick'), emit: printFigure }).catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
