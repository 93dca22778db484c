/**
 * The hardware scenarios (src/scenarios/hw/*.sim): each runs headless and every show command
 * with an inline `>` expectation must print exactly that.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../scenario';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../scenarios/hw');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.sim')).sort();

describe('hardware scenarios', () => {
  it('exist', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FILES)('%s', (file) => {
    const r = runScenario(readFileSync(join(DIR, file), 'utf8'));
    expect(r.error).toBeUndefined();
    expect(r.checked).toBeGreaterThan(0);
    for (const m of r.mismatches) expect(m.actual, `${file}:${m.line}`).toBe(m.expected);
    expect(r.failedExpects.map((e) => e.message), `${file}: failed expectations`).toEqual([]);
  });
});
