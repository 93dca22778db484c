/**
 * Command-line parsing for the `sim` CLI. Pure: it never touches the process, so every misuse
 * comes back as a message the caller prints (exit status 2) instead of an exception.
 */

export interface CliOptions {
  /** The scenario path as the user typed it; `-` means standard input. */
  file: string;
  seed: number;
  /** Where to write the JSON-lines event trace; `-` means standard error. */
  trace?: string;
  /** Compare the output with the scenario's inline `> ` expected lines. */
  check: boolean;
  /** Write the frames the devices see to this pcapng file. */
  pcap?: string;
  /** Only the frames of this device (`tcpdump -i DEV`). */
  pcapDev?: string;
}

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'misuse'; message: string };

export const DEFAULT_SEED = 1;
/** The engine's PRNG takes the seed as an unsigned 32-bit integer. */
const MAX_SEED = 0xffff_ffff;

export const USAGE = `usage: npm run --silent sim -- [--seed N] [--trace PATH] [--check] [--pcap PATH [--pcap-dev DEV]] FILE

Runs a CT Offload Lab scenario headless and prints the output of its show
commands on standard output, in order.

  FILE          scenario file; - reads standard input
  --seed N      PRNG seed, an integer from 0 to ${MAX_SEED} (default ${DEFAULT_SEED})
  --trace PATH  write every simulator event as one JSON object per line;
                - writes them to standard error
  --check       compare each show command's output with the lines starting
                with "> " right after it; differences go to standard error
  --pcap PATH   write the frames every device sees in software (received
                before tc ingress, sent after tc egress) to a pcapng file
  --pcap-dev DEV  only the frames of device DEV (like tcpdump -i DEV)
  -h, --help    show this help

Exit status: 0 success, 1 error in the scenario (reported as FILE:LINE:COL: message
on standard error, after the output of the commands before it) or, with --check,
output that differs from the expected lines; 2 misuse.
`;

export const USAGE_HINT = "Try 'npm run --silent sim -- --help'.";

const VALUE_OPTIONS = ['--seed', '--trace', '--pcap', '--pcap-dev'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

function isValueOption(name: string): name is ValueOption {
  return (VALUE_OPTIONS as readonly string[]).includes(name);
}

/** Parses the arguments after the script name (`process.argv.slice(2)`). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: Partial<Record<ValueOption, string>> = {};
  const positional: string[] = [];
  let optionsEnded = false;
  let check = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--check') {
      check = true;
      continue;
    }

    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (!isValueOption(name)) return misuse(`unknown option '${name}'`);
    if (eq >= 0) {
      values[name] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length) {
      values[name] = argv[++i];
    } else {
      return misuse(`option '${name}' needs a value`);
    }
  }

  const seed = values['--seed'] === undefined ? DEFAULT_SEED : parseSeed(values['--seed']);
  if (seed === undefined) return misuse(`bad --seed '${values['--seed']}': expected an integer from 0 to ${MAX_SEED}`);

  const trace = values['--trace'];
  if (trace === '') return misuse("option '--trace' needs a path (or - for standard error)");

  const pcap = values['--pcap'];
  if (pcap === '') return misuse("option '--pcap' needs a path");
  const pcapDev = values['--pcap-dev'];
  if (pcapDev !== undefined && pcap === undefined) return misuse("option '--pcap-dev' needs --pcap");
  if (pcapDev === '') return misuse("option '--pcap-dev' needs a device name");

  if (positional.length === 0) return misuse('missing scenario FILE (use - for standard input)');
  if (positional.length > 1) return misuse(`unexpected argument '${positional[1]}': give one scenario FILE`);

  return {
    kind: 'run',
    options: { file: positional[0], seed, check, ...(trace === undefined ? {} : { trace }), ...(pcap === undefined ? {} : { pcap }), ...(pcapDev === undefined ? {} : { pcapDev }) },
  };
}

function parseSeed(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_SEED ? n : undefined;
}

function misuse(message: string): ParsedArgs {
  return { kind: 'misuse', message };
}
