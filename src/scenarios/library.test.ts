/**
 * The scenario library is what a speaker presents and what the app lists, so every file must
 * prove its story: it runs to the end with no failed `expect` and no output mismatch, and it
 * carries the narration the presenter needs (a title, a description, at least two checkpoints,
 * each with text for the audience and at least one expectation of its own). The README's
 * "Scenario library" section names each file with its title.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../engine/scenario';
import { readNarration, type Narration } from '../engine/script/narration';

const HERE = dirname(fileURLToPath(import.meta.url));
const LIBRARY_DIR = join(HERE, 'library');
const README = readFileSync(join(HERE, '..', '..', 'README.md'), 'utf8');

const files = readdirSync(LIBRARY_DIR)
  .filter((f) => f.endsWith('.sim'))
  .sort();

/** 1-based lines of the `expect` commands. */
function expectLines(text: string): number[] {
  return text
    .split('\n')
    .flatMap((l, i) => (/^\s*expect\s/.test(l) ? [i + 1] : []));
}

function narrationOf(text: string): Narration {
  const read = readNarration(text);
  if ('error' in read) throw new Error(`line ${read.error.line}, col ${read.error.col}: ${read.error.message}`);
  return read;
}

describe('scenario library', () => {
  it('holds the issue\'s stories and the talk walkthrough', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(files).toContain('talk-walkthrough.sim');
  });

  for (const file of files) {
    describe(file, () => {
      const text = readFileSync(join(LIBRARY_DIR, file), 'utf8');

      it('runs to the end with every expectation met', () => {
        // The page and a plain CLI run take the file as written: no `> ` output blocks, only expect.
        expect(text.split('\n').filter((l) => l.startsWith('>'))).toEqual([]);
        const result = runScenario(text);
        const error = result.error && `${result.error.line}:${result.error.col}: ${result.error.message}`;
        expect(error, `${file} stopped at an error`).toBeUndefined();
        for (const m of result.mismatches) expect.soft(m.actual, `${file}: output of line ${m.line}`).toBe(m.expected);
        expect(result.failedExpects.map((e) => e.message)).toEqual([]);
        expect(result.checked).toBeGreaterThanOrEqual(expectLines(text).length);
      });

      it('is narrated: title, description, checkpoints that each say something and check something', () => {
        const narration = narrationOf(text);
        expect(narration.title, 'title').toBeTruthy();
        expect(narration.description, 'description').toBeTruthy();
        expect(narration.checkpoints.length).toBeGreaterThanOrEqual(2);
        const expects = expectLines(text);
        for (const cp of narration.checkpoints) {
          expect(cp.say.length, `checkpoint ${cp.index} "${cp.title}" has no say`).toBeGreaterThan(0);
          const own = expects.filter((l) => l >= cp.firstCommandLine && l <= cp.lastCommandLine);
          expect(own.length, `checkpoint ${cp.index} "${cp.title}" has no expect`).toBeGreaterThan(0);
        }
      });

      it('is listed in the README with its title', () => {
        const { title } = narrationOf(text);
        expect(README).toContain(`\`library/${file}\` — ${title}`);
      });
    });
  }
});
