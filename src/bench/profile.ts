/**
 * `--profile DIR`: the V8 CPU profile of each timed run, saved as DIR/<figure>.cpuprofile (open
 * it in Chrome DevTools' Performance panel or speedscope), with the functions that took the
 * most of it (self time) printed on stderr — the profile that shows what limits a figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';
import { progress } from './report';
import { timeNs } from './timing';

/** Times a run for a figure (and may profile it). */
export type TimeRun = (figure: string, fn: () => void) => Promise<number>;

export const unprofiled: TimeRun = (_figure, fn) => Promise.resolve(timeNs(fn));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Functions listed per profile. */
const TOP = 12;

export function profiledRuns(dir: string): TimeRun {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  const post = <T>(method: string): Promise<T> =>
    new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
  let enabled = false;
  return async (figure, fn) => {
    if (!enabled) await post('Profiler.enable');
    enabled = true;
    await post('Profiler.start');
    const ns = timeNs(fn);
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    const file = join(dir, `${figure}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    progress(`profile of ${figure}: ${file}; self time by function:`);
    for (const line of topFunctions(profile)) progress(`  ${line}`);
    return ns;
  };
}

/** The TOP functions by share of the samples spent in their own code. */
function topFunctions(p: CpuProfile): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const samples = new Map<string, number>();
  for (const id of p.samples) {
    const f = byId.get(id)!.callFrame;
    // Methods of different classes share names: the line in the bundle tells them apart.
    const name = `${f.functionName || '(anonymous)'}${f.url ? ` (${basename(f.url)}:${f.lineNumber + 1})` : ''}`;
    samples.set(name, (samples.get(name) ?? 0) + 1);
  }
  return [...samples.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([name, n]) => `${((100 * n) / Math.max(1, p.samples.length)).toFixed(1).padStart(5)}%  ${name}`);
}
