/**
 * The facade: parses scripts, executes commands against the datapath, and streams events.
 * (Stub signatures; the datapath is wired in by the engine integration.)
 */
import { Env } from './env';
import type { Listener } from './events';
import type { SimError } from './script/ast';

export interface RunResult {
  /** Output of each show command, in order; each ends with a newline. */
  outputs: string[];
  /** The first error; nothing after the bad line ran. */
  error?: SimError;
}

export interface SimulatorOptions {
  seed?: number;
}

export class Simulator {
  readonly env: Env;

  constructor(opts: SimulatorOptions = {}) {
    this.env = new Env(opts.seed ?? 1);
  }

  /** Parses and runs a whole script in virtual time. Never throws for bad input. */
  run(_text: string): RunResult {
    return { outputs: [], error: { line: 1, col: 1, message: 'not implemented' } };
  }

  subscribe(fn: Listener): () => void {
    return this.env.events.subscribe(fn);
  }
}
