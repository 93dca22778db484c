import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { MAX_LINK_PAYLOAD, decodeShareLink, encodeShareLink } from './link';
import { makeScenarioDoc } from './scenarioDoc';

const BASE = 'https://lab.example/app/';
const doc = makeScenarioDoc('tc qdisc add dev uplink ingress\nsend from wire to vm0 tcp syn\n', 12345, 'Talk');
const linkWith = (payload: string) => `${BASE}#s=${payload}`;

describe('share links', () => {
  it('round-trips a scenario through the URL hash', () => {
    const link = encodeShareLink(doc, `${BASE}#old`);
    expect(link.ok && link.url.startsWith(`${BASE}#s=`)).toBe(true);
    expect(link.ok && decodeShareLink(link.url)).toEqual({ ok: true, doc });
  });

  it('says a link carries no scenario', () => {
    expect(decodeShareLink(BASE)).toBeNull();
    expect(decodeShareLink(`${BASE}#other=1`)).toBeNull();
  });

  it('finds the scenario among other hash parameters', () => {
    const payload = compressToEncodedURIComponent(JSON.stringify(doc));
    expect(decodeShareLink(`${BASE}#view=graph&s=${payload}`)).toEqual({ ok: true, doc });
  });

  it('refuses a corrupt link', () => {
    expect(decodeShareLink(linkWith(''))).toEqual({ ok: false, error: 'share link: corrupt (it does not decompress; was it cut short when copied?)' });
    expect(decodeShareLink(linkWith('%%%'))).toMatchObject({ ok: false, error: expect.stringMatching(/^share link: corrupt/) });
  });

  it('refuses a link whose content is not a scenario, saying what is wrong', () => {
    expect(decodeShareLink(linkWith(compressToEncodedURIComponent('{"a":')))).toMatchObject({ ok: false, error: expect.stringMatching(/^share link: not JSON: /) });
    const badSeed = compressToEncodedURIComponent(JSON.stringify({ ...doc, seed: -1 }));
    expect(decodeShareLink(linkWith(badSeed))).toEqual({ ok: false, error: 'share link: "seed": expected an integer from 0 to 4294967295, got -1' });
  });

  it('refuses an oversized link before decompressing it', () => {
    expect(decodeShareLink(linkWith('A'.repeat(MAX_LINK_PAYLOAD + 1)))).toEqual({
      ok: false,
      error: `share link: too long (${MAX_LINK_PAYLOAD + 1} characters; at most ${MAX_LINK_PAYLOAD})`,
    });
  });

  it('will not make a link too long to open, and says to export instead', () => {
    // Characters that barely compress: a pseudo-random walk over a wide alphabet.
    let x = 1;
    const noise = Array.from({ length: 12_000 }, () => String.fromCharCode(0x4e00 + ((x = (x * 1103515245 + 12345) >>> 0) % 2000))).join('');
    const result = encodeShareLink(makeScenarioDoc(noise, 1), BASE);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/too big for a link .*use Export/) });
  });
});
