/**
 * `npm run --silent sim -- [--seed N] [--trace PATH] FILE`: runs a scenario headless.
 * Standard output carries only the show commands' output, so it can be diffed or piped;
 * diagnostics go to standard error: a failed `expect` as `line L, col C: EXPECTATION: found …`
 * (the run goes on past it). Exit status: 0 ok, 1 scenario error or failed expectation,
 * 2 misuse — nothing else, and never a stack trace.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { RunResult } from '../engine/simulator';
import { parseArgs, USAGE, USAGE_HINT, type CliOptions } from './args';
import { openTrace, type TraceTarget } from './trace';

const EXIT_OK = 0;
const EXIT_SCENARIO_ERROR = 1;
const EXIT_MISUSE = 2;

const STDIN_NAME = '<stdin>';

/** A failure the user caused by how they called us, not by what the scenario says. */
class Misuse extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === 'misuse') return reportMisuse(parsed.message);

  const { options } = parsed;
  const fileName = options.file === '-' ? STDIN_NAME : options.file;
  try {
    return await runScenario(options, fileName);
  } catch (err) {
    if (err instanceof Misuse) return reportMisuse(err.message);
    process.stderr.write(`${fileName}:1:1: internal error: ${errorMessage(err)}\n`);
    return EXIT_SCENARIO_ERROR;
  }
}

async function runScenario(options: CliOptions, fileName: string): Promise<number> {
  const text = await readScenario(options.file);
  const trace = options.trace === undefined ? undefined : openTraceOrMisuse(options.trace);
  // Loaded only now so that help and misuse answer without the engine, and a broken engine
  // build surfaces as an internal error rather than a module-loader stack trace.
  const { Simulator } = await import('../engine/simulator');
  const { compareOutputs } = await import('../engine/scenario');
  const { splitExpectations, lineDiff } = await import('../engine/script/expected-output');
  const { script, expectations } = options.check ? splitExpectations(text) : { script: text, expectations: [] };
  const sim = new Simulator({ seed: options.seed });
  const pcap = options.pcap === undefined ? null : sim.startCapture(options.pcapDev);
  let result: RunResult;
  try {
    if (trace) sim.subscribe((event) => trace.writer.write(event));
    result = sim.run(script);
  } finally {
    trace?.close();
  }
  // What was captured is written even when the scenario stopped at an error.
  if (pcap && options.pcap !== undefined) await writePcap(options.pcap, pcap.bytes());

  process.stdout.write(result.outputs.join(''));
  const failed = result.expects.filter((e) => !e.ok);
  for (const e of failed) process.stderr.write(`${e.message}\n`);
  if (result.error) {
    const { line, col, message } = result.error;
    process.stderr.write(`${fileName}:${line}:${col}: ${message}\n`);
    return EXIT_SCENARIO_ERROR;
  }
  const mismatches = compareOutputs(result, expectations);
  for (const m of mismatches) process.stderr.write(`${fileName}:${m.line}:1: output differs from the expected lines\n${lineDiff(m.expected, m.actual)}`);
  return mismatches.length || failed.length ? EXIT_SCENARIO_ERROR : EXIT_OK;
}


async function readScenario(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new Misuse(`cannot read '${file === '-' ? STDIN_NAME : file}': ${describeFsError(err)}`);
  }
}

/** Reads the stream rather than fd 0 so that non-blocking stdin pipes cannot fail with EAGAIN. */
async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function writePcap(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (err) {
    throw new Misuse(`cannot write pcap '${path}': ${describeFsError(err)}`);
  }
}

function openTraceOrMisuse(path: string): TraceTarget {
  try {
    return openTrace(path);
  } catch (err) {
    throw new Misuse(`cannot write trace '${path}': ${describeFsError(err)}`);
  }
}

function reportMisuse(message: string): number {
  process.stderr.write(`sim: ${message}\n${USAGE_HINT}\n`);
  return EXIT_MISUSE;
}

/** "ENOENT: no such file or directory, open 'x'" → "no such file or directory" (likewise EISDIR's ", read"). */
function describeFsError(err: unknown): string {
  return errorMessage(err)
    .replace(/^E[A-Z]+: /, '')
    .replace(/, \w+( '.*')?$/, '');
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A reader that goes away (`sim f | head -1`) is not an error worth a stack trace. */
function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    process.exit(err.code === 'EPIPE' ? (process.exitCode ?? EXIT_OK) : EXIT_SCENARIO_ERROR);
  });
}

exitQuietlyOnBrokenPipe(process.stdout);
exitQuietlyOnBrokenPipe(process.stderr);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sim: internal error: ${errorMessage(err)}\n`);
    process.exitCode = EXIT_SCENARIO_ERROR;
  },
);
