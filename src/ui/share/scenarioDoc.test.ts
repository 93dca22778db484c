import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_TEXT_CHARS, exportFileName, makeScenarioDoc, parseScenarioFile, serializeScenarioDoc } from './scenarioDoc';

const valid = { format: 'ct-offload-lab/scenario', version: 1, seed: 7, text: 'tc qdisc add dev uplink ingress\n' };
const parse = (value: unknown) => parseScenarioFile(JSON.stringify(value));
const errorOf = (value: unknown) => {
  const result = typeof value === 'string' ? parseScenarioFile(value) : parse(value);
  return result.ok ? 'accepted' : result.error;
};

describe('parseScenarioFile', () => {
  it('accepts a valid file, with or without a title', () => {
    expect(parse(valid)).toEqual({ ok: true, doc: valid });
    expect(parse({ ...valid, title: 'Talk' })).toEqual({ ok: true, doc: { ...valid, title: 'Talk' } });
  });

  it('round-trips what Export writes', () => {
    const doc = makeScenarioDoc('send …\n', 4294967295, 'Web server');
    expect(parseScenarioFile(serializeScenarioDoc(doc))).toEqual({ ok: true, doc });
  });

  it('refuses text that is not JSON, saying where', () => {
    expect(errorOf('{"format": ')).toMatch(/^not JSON: .*(position|end)/i);
    expect(errorOf('')).toMatch(/^not JSON: /);
  });

  it('refuses JSON that is not an object', () => {
    expect(errorOf('[1,2]')).toBe('expected a JSON object with "format", "version", "seed" and "text", got an array');
    expect(errorOf('null')).toMatch(/got null$/);
    expect(errorOf('42')).toMatch(/got 42$/);
  });

  it('names a missing field', () => {
    const { seed: _, ...noSeed } = valid;
    expect(errorOf(noSeed)).toBe('"seed": missing (expected an integer from 0 to 4294967295)');
  });

  it.each([
    [{ seed: -1 }, '"seed": expected an integer from 0 to 4294967295, got -1'],
    [{ seed: 1.5 }, '"seed": expected an integer from 0 to 4294967295, got 1.5'],
    [{ seed: 4294967296 }, '"seed": expected an integer from 0 to 4294967295, got 4294967296'],
    [{ seed: '1' }, '"seed": expected an integer from 0 to 4294967295, got "1"'],
    [{ format: 'other' }, '"format": expected "ct-offload-lab/scenario", got "other"'],
    [{ version: 2 }, '"version": expected 1 (a file of another version of CT Offload Lab?), got 2'],
    [{ text: 3 }, '"text": expected a string of at most 1000000 characters, got 3'],
    [{ title: 'x'.repeat(201) }, '"title": expected a string of at most 200 characters, got a string of 201 characters'],
    [{ extra: true }, '"extra": unknown field'],
  ])('refuses a bad field %j', (change, message) => {
    expect(errorOf({ ...valid, ...change })).toBe(message);
  });

  it('lists every wrong field', () => {
    expect(errorOf({ ...valid, seed: -1, version: 0 })).toBe(
      '"version": expected 1 (a file of another version of CT Offload Lab?), got 0; "seed": expected an integer from 0 to 4294967295, got -1',
    );
  });

  it('refuses text longer than the limit', () => {
    const text = 'x'.repeat(MAX_TEXT_CHARS + 1);
    expect(errorOf({ ...valid, text })).toBe(`"text": expected a string of at most ${MAX_TEXT_CHARS} characters, got a string of ${MAX_TEXT_CHARS + 1} characters`);
  });

  it('refuses a file over 1 MB before parsing it, counted in UTF-8 bytes', () => {
    const huge = `{"text": "${'x'.repeat(MAX_FILE_BYTES)}"}`;
    expect(errorOf(huge)).toBe(`the file is too big (more than ${MAX_FILE_BYTES} bytes; at most ${MAX_FILE_BYTES} bytes = 1 MB)`);
    // 400,000 euro signs: fewer characters than the limit, but 1.2 MB of UTF-8.
    const wide = JSON.stringify({ ...valid, text: '€'.repeat(400_000) });
    expect(errorOf(wide)).toBe(`the file is too big (${wide.length + 800_000} bytes; at most ${MAX_FILE_BYTES} bytes = 1 MB)`);
  });
});

describe('exportFileName', () => {
  it('makes the title safe, else says scenario', () => {
    expect(exportFileName(makeScenarioDoc('', 1, 'The talk: web server!'))).toBe('the-talk-web-server.ctlab.json');
    expect(exportFileName(makeScenarioDoc('', 1))).toBe('scenario.ctlab.json');
    expect(exportFileName(makeScenarioDoc('', 1, '///'))).toBe('scenario.ctlab.json');
  });
});
