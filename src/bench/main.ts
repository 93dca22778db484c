/**
 * `npm run --silent bench [-- --quick] [--profile DIR]`: the engine's speed and memory at a
 * million connections (100k with --quick), one JSON figure per line on stdout, progress on
 * stderr; --profile saves each timed run's CPU profile in DIR (see profile.ts).
 * From source it bundles itself and runs the bundle (see launch.ts) with --expose-gc, so
 * memory readings are taken on a settled heap.
 */
import { runBundled } from './launch';
import { printFigure, progress } from './report';

const USAGE = 'usage: npm run --silent bench [-- [--quick] [--profile DIR]]\n';

interface Options {
  quick: boolean;
  profileDir?: string;
}

function parseArgs(args: string[]): Options | string {
  const o: Options = { quick: false };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--quick') o.quick = true;
    else if (args[i] === '--profile') {
      const dir = args[++i];
      if (!dir || dir.startsWith('-')) return '--profile needs a directory';
      o.profileDir = dir;
    } else return `unknown option ${args[i]}`;
  }
  return o;
}

async function main(args: string[]): Promise<number> {
  const o = parseArgs(args);
  if (typeof o === 'string') {
    process.stderr.write(`bench: ${o}\n${USAGE}`);
    return 2;
  }
  if (process.env.CT_BENCH_BUNDLED !== '1') {
    const code = await runBundled(args);
    if (code !== null) return code;
    progress('esbuild not found: running unbundled, figures will be lower');
  }
  const { runBench } = await import('./run');
  await runBench({ ...o, emit: printFigure });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
