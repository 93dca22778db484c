import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogOf, scenarioId } from './catalog';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const files = Object.fromEntries(readdirSync(FIXTURES).map((f) => [`/src/scenarios/library/${f}`, readFileSync(join(FIXTURES, f), 'utf8')]));

describe('the scenario library', () => {
  it('names a file by its path under scenarios/, without .sim', () => {
    expect(scenarioId('../../scenarios/library/talk-walkthrough.sim')).toBe('library/talk-walkthrough');
    expect(scenarioId('/src/scenarios/talk-web-server.sim')).toBe('talk-web-server');
  });

  it('lists each file by id with its narration title and joined description', () => {
    const list = catalogOf(files);
    expect(list.map((e) => [e.id, e.title, e.description])).toEqual([
      ['library/bad-narration', 'bad-narration', ''],
      ['library/no-narration', 'no-narration', 'A scenario without narration: its first comment lines are its description.'],
      ['library/two-checkpoints', 'Two checkpoints', "A client's SYN is tracked in software; the VM's own SYN is dropped."],
    ]);
    expect(list[2].narration.checkpoints.map((c) => [c.title, c.firstCommandLine, c.lastCommandLine])).toEqual([
      ['A client opens a connection', 15, 15],
      ['The VM tries its own', 20, 20],
    ]);
  });

  it('lists the talk walkthrough first, the others by id', () => {
    const list = catalogOf({ ...files, '/src/scenarios/library/talk-walkthrough.sim': '## title: The talk\n', '/src/scenarios/talk-web-server.sim': '# The talk\'s use case\n' });
    expect(list.map((e) => e.id)).toEqual(['library/talk-walkthrough', 'library/bad-narration', 'library/no-narration', 'library/two-checkpoints', 'talk-web-server']);
  });

  it('keeps a file whose narration is wrong, with the positioned error and no checkpoints', () => {
    const bad = catalogOf(files)[0];
    expect(bad.narrationError).toEqual({ line: 2, col: 4, message: 'unknown narration key "slide" (expected one of: title, description, checkpoint, say, note, focus)' });
    expect(bad.narration.checkpoints).toEqual([]);
    expect(bad.text).toContain('tc qdisc add dev uplink ingress');
  });
});
