/**
 * `npm run --silent bench [-- --quick]`: the engine's speed and memory at a million
 * connections (100k with --quick), one JSON figure per line on stdout, progress on stderr.
 * From source it bundles itself and runs the bundle (see launch.ts) with --expose-gc, so
 * memory readings are taken on a settled heap.
 */
import { runBundled } from './launch';
import { printFigure, progress } from './report';

const USAGE = 'usage: npm run --silent bench [-- --quick]\n';

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length) {
    process.stderr.write(`bench: unknown option ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  if (process.env.CT_BENCH_BUNDLED !== '1') {
    const code = await runBundled(args);
    if (code !== null) return code;
    progress('esbuild not found: running unbundled, figures will be lower');
  }
  const { runBench } = await import('./run');
  await runBench({ quick: args.includes('--quick'), emit: printFigure });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
