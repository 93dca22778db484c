/**
 * A script carried out one step at a time: the one way the simulator runs a script, whether
 * all at once (Simulator.run, the CLI) or stepped by the page. A step is one command, or one
 * unit of a multi-step command (a timer that came due, one packet, a millisecond of generated
 * traffic, the clock's last move of a sleep: see Simulator.advanceProgress). Steps are the
 * same however a caller groups them, so the state after N steps is one state.
 *
 * The run's own state (which command is next, what is left of the current one) is plain data
 * beside the simulator, so forking the pair (src/engine/fork.ts) forks a run in the middle of
 * a command.
 */
import type { Micros } from './clock';
import type { ExpectResult } from './expect';
import type { Command, SimError } from './script/ast';
import { outputVerdict, splitExpectations } from './script/expected-output';
import { parseScript } from './script/parse';
import type { MultiStepCommand, Progress, Simulator, Unit } from './simulator';

function isMultiStep(cmd: Command): cmd is MultiStepCommand {
  return cmd.kind === 'send' || cmd.kind === 'connect' || cmd.kind === 'sleep' || cmd.kind === 'traffic';
}

/** What one step did. */
export type StepKind = 'command' | Unit;

export interface Step {
  kind: StepKind;
  /** Script line of the command the step belongs to. */
  line: number;
  /** Virtual time after the step. */
  t: Micros;
  /** The step finished its command. */
  endsCommand: boolean;
  /** A show command's output. */
  output?: string;
  /** An `expect`'s result. */
  expect?: ExpectResult;
  /** The command failed: the run stops here. */
  error?: SimError;
}

export class ScriptRun {
  /** Steps taken so far. */
  steps = 0;
  /** Nothing is left to run (the end, or an error). */
  done = false;
  /** The error that stopped the run: a command's, or the parse error after the lines before it ran. */
  error?: SimError;
  readonly outputs: string[] = [];
  readonly outputLines: number[] = [];
  /** Results of the `expect` commands run so far. */
  readonly expects: ExpectResult[] = [];
  /** Index of the command under way or next. */
  private index = 0;
  private progress: Progress | null = null;
  /** What the current line's commands printed last (for its `>` block). */
  private lineOutput = '';

  constructor(
    readonly sim: Simulator,
    readonly commands: readonly Command[],
    private readonly lines: readonly string[],
    private readonly parseError?: SimError,
    /** The `>` blocks of the text, by the line of their show command. */
    readonly outputBlocks: ReadonlyMap<number, string> = new Map(),
  ) {
    this.done = commands.length === 0;
    if (this.done) this.error = parseError;
  }

  /**
   * Parses `text`; a parse error stops the run after the lines before it (as the CLI does).
   * Its `>` blocks are checked as their commands finish, each giving an `expect` result.
   */
  static fromText(sim: Simulator, text: string): ScriptRun {
    const { script, expectations } = splitExpectations(text);
    const parsed = parseScript(script);
    const blocks = new Map(expectations.map((e) => [e.line, e.expected]));
    return new ScriptRun(sim, parsed.commands, text.split('\n'), parsed.ok ? undefined : parsed.error, blocks);
  }

  /** A run of the same script at its start, on `sim` (the fresh graph a fork fills). */
  blank(sim: Simulator): ScriptRun {
    return new ScriptRun(sim, this.commands, this.lines, this.parseError, this.outputBlocks);
  }

  /** The command under way or next (undefined at the end). */
  get current(): Command | undefined {
    return this.commands[this.index];
  }

  /** Index of the command under way or next; `commands.length` at the end. */
  get commandIndex(): number {
    return this.index;
  }

  /** Whether a multi-step command is under way (some of its units done, some left). */
  get midCommand(): boolean {
    return this.progress !== null;
  }

  /**
   * Continues a run of another text on the same simulator: the commands before `commandIndex`
   * count as done, `steps` steps were taken. Only at a command boundary (the page's shell
   * inserts a line at the cursor and goes on from there).
   */
  resumeAt(commandIndex: number, steps: number): void {
    this.index = commandIndex;
    this.steps = steps;
    this.done = commandIndex >= this.commands.length;
    this.error = this.done ? this.parseError : undefined;
  }

  /** Takes one step. Call only while !done. */
  step(): Step {
    if (this.done) throw new Error('ScriptRun.step called after the end');
    const sim = this.sim;
    const cmd = this.commands[this.index];
    if (this.progress) return this.unit(cmd, this.progress);
    const events = sim.env.events;
    if (events.active) {
      events.emit({ kind: 'command', t: sim.env.now(), pkt: 0, line: cmd.span.line, text: (this.lines[cmd.span.line - 1] ?? '').trim() });
    }
    const firstOfLine = this.index === 0 || this.commands[this.index - 1].span.line !== cmd.span.line;
    const refused = firstOfLine ? sim.checkSysctlLine(this.commands, this.index) : null;
    if (refused && 'error' in refused) return this.fail(cmd, refused.error.span, refused.error.message);
    if (isMultiStep(cmd)) {
      const started = sim.start(cmd);
      if ('error' in started) return this.fail(cmd, started.error.span, started.error.message);
      if (started.progress.done) return this.finish(cmd, 'command');
      this.progress = started.progress;
      return this.unit(cmd, started.progress);
    }
    const r = sim.execSafely(cmd);
    if ('error' in r) return this.fail(cmd, r.error.span, r.error.message);
    if (r.expect) this.expects.push(r.expect);
    return this.finish(cmd, 'command', r.output, r.expect);
  }

  private unit(cmd: Command, p: Progress): Step {
    let unit: Unit;
    try {
      unit = this.sim.advanceProgress(p);
    } catch (e) {
      // An engine bug must not escape: it ends the run at the command, as execSafely does.
      return this.fail(cmd, cmd.span, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!p.done) return this.record({ kind: unit, line: cmd.span.line, t: this.sim.env.now(), endsCommand: false });
    this.progress = null;
    return this.finish(cmd, unit);
  }

  /** Records the command's output: what `conntrack -E &` watchers printed while it ran, then its own. */
  private output(cmd: Command, own: string | undefined): string | undefined {
    const watched = this.sim.takeWatched();
    const output = watched || own !== undefined ? watched + (own ?? '') : undefined;
    if (output !== undefined) {
      this.outputs.push(output);
      this.outputLines.push(cmd.span.line);
    }
    return output;
  }

  private finish(cmd: Command, kind: StepKind, own?: string, expect?: ExpectResult): Step {
    const output = this.output(cmd, own);
    const line = cmd.span.line;
    if (this.index === 0 || this.commands[this.index - 1].span.line !== line) this.lineOutput = '';
    if (output !== undefined) this.lineOutput = output;
    this.index++;
    // A `>` block holds what its line printed last (compareOutputs' rule): checked at the line's last command.
    const block = this.outputBlocks.get(line);
    if (block !== undefined && this.commands[this.index]?.span.line !== line) {
      expect = outputVerdict(line, block, this.lineOutput);
      this.expects.push(expect);
    }
    if (this.index === this.commands.length) {
      this.done = true;
      this.error = this.parseError;
    }
    return this.record({ kind, line: cmd.span.line, t: this.sim.env.now(), endsCommand: true, ...(output === undefined ? {} : { output }), ...(expect ? { expect } : {}) });
  }

  private fail(cmd: Command, span: { line: number; col: number }, message: string): Step {
    this.output(cmd, undefined);
    this.progress = null;
    this.done = true;
    this.error = { line: span.line, col: span.col, message };
    return this.record({ kind: 'command', line: cmd.span.line, t: this.sim.env.now(), endsCommand: true, error: this.error });
  }

  private record(step: Step): Step {
    this.steps++;
    return step;
  }
}
