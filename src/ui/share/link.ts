/**
 * Share links: the scenario document, compressed with lz-string, in the URL hash as `#s=…`.
 * The hash never reaches a server, and decoding validates exactly as a file import does.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { parseScenarioFile, type ParseResult, type ScenarioDoc } from './scenarioDoc';

const HASH_KEY = 's';

/**
 * Longest compressed payload a link may carry. lz-string's output can grow quadratically in its
 * input (a crafted link whose every dictionary entry is one character longer than the last), so
 * the input is bounded tightly: measured on the 2-vCPU CI machine, such a 9,500-character payload
 * decompresses to 12.5 M characters in 0.37 s, so 16,000 stays near a second in the worst case.
 * Honest scenarios need far less (the talk scenario, comments included, takes 2,200); a bigger
 * one is shared as a file (Export).
 */
export const MAX_LINK_PAYLOAD = 16_000;

export type EncodeResult = { ok: true; url: string } | { ok: false; error: string };

export function encodeShareLink(doc: ScenarioDoc, baseUrl: string): EncodeResult {
  const payload = compressToEncodedURIComponent(JSON.stringify(doc));
  if (payload.length > MAX_LINK_PAYLOAD) {
    return { ok: false, error: `the scenario is too big for a link (${payload.length} characters compressed; at most ${MAX_LINK_PAYLOAD}): use Export to share it as a file` };
  }
  const url = new URL(baseUrl);
  url.hash = `${HASH_KEY}=${payload}`;
  return { ok: true, url: url.toString() };
}

/** The payload of a link's `#s=` parameter, or undefined when the link carries no scenario. */
function payloadOf(url: string): string | undefined {
  const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '';
  for (const part of hash.split('&')) {
    if (part.startsWith(`${HASH_KEY}=`)) return part.slice(HASH_KEY.length + 1);
  }
  return undefined;
}

/** The scenario a link carries: null when it carries none, else the doc or what is wrong. */
export function decodeShareLink(url: string): ParseResult | null {
  const payload = payloadOf(url);
  if (payload === undefined) return null;
  const fail = (why: string): ParseResult => ({ ok: false, error: `share link: ${why}` });
  if (payload.length > MAX_LINK_PAYLOAD) {
    return fail(`too long (${payload.length} characters; at most ${MAX_LINK_PAYLOAD})`);
  }
  let json: string | null;
  try {
    json = decompressFromEncodedURIComponent(payload);
  } catch {
    json = null;
  }
  if (!json) return fail('corrupt (it does not decompress; was it cut short when copied?)');
  const result = parseScenarioFile(json);
  return result.ok ? result : fail(result.error);
}
