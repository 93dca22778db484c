/**
 * conntrack-tools' commands that act on the table or watch it, run against the engine:
 * `conntrack -E &` watchers (the shell's background jobs, stopped by `kill %N`), `-D` and `-U`
 * with their printed entries and summary lines. Output is what a terminal shows: the lines
 * conntrack writes to stdout, then its summary line, which it writes to stderr.
 */
import type { Conntrack } from './conntrack/conntrack';
import { IPCT_DESTROY, IPCT_MARK, IPCT_NEW, IPCT_RELATED, type CtEventSink } from './conntrack/ecache';
import { IPS_OFFLOAD } from './conntrack/types';
import { matchesFilter, renderConntrackEntry, renderConntrackEvent } from './render/conntrack';
import { CT_EVENT_DESTROY, CT_EVENT_NEW, CT_EVENT_UPDATE, type CtFilter, type CtOutput, type Masked } from './script/ast';

/** The prefix of conntrack's messages (PROGNAME, VERSION): the release of the talk's time. */
export const CONNTRACK_TOOLS = 'conntrack v1.4.6 (conntrack-tools): ';

/**
 * The netlink port id requests of the simulated `conntrack` carry: events they cause have a
 * non-zero nlmsg_pid, which `-o userspace` shows as [USERSPACE]. (Real port ids are process
 * ids; the simulator has no processes, and 1.4.6 does not print the number.)
 */
const CONNTRACK_PORTID = 1;

interface Watcher {
  job: number;
  filter: CtFilter;
  eventMask: number;
  output: CtOutput;
  /** Events printed so far (conntrack's `counter`, reported when it is stopped). */
  shown: number;
}

export type ToolResult = { output: string } | { error: string };

export class ConntrackTools implements CtEventSink {
  private watchers: Watcher[] = [];
  /** Lines the watchers printed since the last takePrinted(). */
  private printed = '';

  constructor(private readonly ct: Conntrack) {}

  /** `conntrack -E [filters] &`: a new background job; returns its number (bash: highest + 1). */
  watch(filter: CtFilter, eventMask: number, output: CtOutput): number {
    const job = this.watchers.reduce((max, w) => Math.max(max, w.job), 0) + 1;
    this.watchers.push({ job, filter, eventMask, output, shown: 0 });
    if (this.watchers.length === 1) this.ct.setEventSink(this);
    return job;
  }

  /**
   * `kill [-SIG] %JOB` (the latest job when none is named). conntrack's SIGTERM/SIGINT handler
   * (event_sighandler) reports how many events it printed; SIGKILL leaves no word.
   */
  kill(job: number | undefined, signal: 'TERM' | 'INT' | 'KILL'): ToolResult {
    const w = job === undefined ? this.watchers[this.watchers.length - 1] : this.watchers.find((x) => x.job === job);
    if (!w) return { error: `kill: %${job ?? '%'}: no such job` };
    this.watchers = this.watchers.filter((x) => x !== w);
    if (this.watchers.length === 0) this.ct.setEventSink(null);
    return { output: signal === 'KILL' ? '' : `${CONNTRACK_TOOLS}${w.shown} flow events have been shown.\n` };
  }

  /** What the watchers printed since the last call. */
  takePrinted(): string {
    const out = this.printed;
    this.printed = '';
    return out;
  }

  /**
   * `conntrack -D`: deletes the matching entries one by one as delete_cb does, printing each.
   * Before v6.4 the kernel refuses an offloaded entry with EBUSY and conntrack stops there.
   * No entry deleted is a failure (exit status 1) with the same summary line.
   */
  delete(filter: CtFilter, output: CtOutput, deletesOffloaded: boolean): ToolResult {
    let out = '';
    let n = 0;
    for (const slot of this.matching(filter)) {
      if (!deletesOffloaded && this.ct.status(slot) & IPS_OFFLOAD) return { error: `${out}${CONNTRACK_TOOLS}Operation failed: Device or resource busy` };
      out += `${renderConntrackEntry(this.ct, slot, output)}\n`;
      this.ct.kill(slot, 'killed', CONNTRACK_PORTID);
      n++;
    }
    return this.summary(out, n, 'deleted');
  }

  /**
   * `conntrack -U --mark V[/M]` (update_cb): each matching entry whose mark would change gets
   * (mark & ~M) ^ V and is printed as it reads back; unchanged entries are skipped.
   */
  updateMark(filter: CtFilter, mark: Masked, output: CtOutput): ToolResult {
    let out = '';
    let n = 0;
    for (const slot of this.matching(filter)) {
      const next = ((this.ct.mark(slot) & ~mark.mask) ^ mark.value) >>> 0;
      if (next === this.ct.mark(slot)) continue;
      this.ct.changeMark(slot, mark, CONNTRACK_PORTID);
      out += `${renderConntrackEntry(this.ct, slot, output)}\n`;
      n++;
    }
    return this.summary(out, n, 'updated');
  }

  /** Flushes as ctnetlink does (the events carry the tool's port id). */
  flush(): void {
    this.ct.flush(CONNTRACK_PORTID);
  }

  private summary(out: string, n: number, what: string): ToolResult {
    const text = `${out}${CONNTRACK_TOOLS}${n} flow entries have been ${what}.`;
    return n === 0 ? { error: text } : { output: `${text}\n` };
  }

  private matching(filter: CtFilter): number[] {
    const slots: number[] = [];
    this.ct.forEach((slot) => {
      if (matchesFilter(this.ct, slot, filter)) slots.push(slot);
    });
    return slots;
  }

  /** ctnetlink_conntrack_event() → each watcher's socket: its groups (-e), its filter, event_cb's line. */
  ctEvent(slot: number, events: number, portid: number): void {
    const group = events & IPCT_DESTROY ? CT_EVENT_DESTROY : events & (IPCT_NEW | IPCT_RELATED) ? CT_EVENT_NEW : CT_EVENT_UPDATE;
    for (const w of this.watchers) {
      if (!(w.eventMask & group) || !matchesFilter(this.ct, slot, w.filter)) continue;
      // A mark filter compares the message's mark attribute, absent when the mark is 0 and unchanged (mark_cmp).
      if (w.filter.mark && this.ct.mark(slot) === 0 && !(events & IPCT_MARK)) continue;
      const user = w.output.userspace && portid !== 0 ? ' [USERSPACE]' : '';
      this.printed += `${renderConntrackEvent(this.ct, slot, events, w.output)}${user}\n`;
      w.shown++;
    }
  }
}
