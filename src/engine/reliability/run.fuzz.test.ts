/**
 * The whole engine under hostile scripts: Simulator.run never throws, an error always points at
 * a line and column of the script, no engine-internal failure surfaces, and nothing after the
 * bad line runs (every line is followed by an `echo` marker, so any output from later lines
 * would show).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulator } from '../simulator';
import { anyScript } from './lines';
import { fuzzRuns, fuzzTimeout, SETUP } from './support';

function checkRun(sim: Simulator, lines: string[]): void {
  const text = lines.flatMap((l, i) => [l, `echo after ${i + 1}`]).join('\n');
  const r = sim.run(text);
  if (!r.error) return;
  const { line, col, message } = r.error;
  const textLines = text.split('\n');
  expect(line).toBeGreaterThanOrEqual(1);
  expect(line).toBeLessThanOrEqual(textLines.length);
  expect(col).toBeGreaterThanOrEqual(1);
  expect(col).toBeLessThanOrEqual(textLines[line - 1].length + 1);
  expect(message).not.toBe('');
  expect(message).not.toMatch(/internal (parser )?error/);
  for (const at of r.outputLines) expect(at).toBeLessThan(line);
}

describe('Simulator.run under hostile scripts', () => {
  it(
    'on a fresh simulator (fast-check seed 2024)',
    () => {
      fc.assert(
        fc.property(anyScript, (script) => {
          checkRun(new Simulator(), script.split('\n'));
        }),
        { seed: 2024, numRuns: fuzzRuns(400) },
      );
    },
    fuzzTimeout(400, 30_000),
  );

  it(
    'after a setup with connections, flows and filters (fast-check seed 31337)',
    () => {
      fc.assert(
        fc.property(anyScript, (script) => {
          const sim = new Simulator();
          sim.run(SETUP);
          checkRun(sim, script.split('\n'));
        }),
        { seed: 31337, numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(300, 30_000),
  );
});
