/**
 * The scenario file: what Export writes, Import and share links read.
 *
 *   { "format": "ct-offload-lab/scenario", "version": 1, "seed": N, "text": "…", "title"?: "…" }
 *
 * Everything read is untrusted: sizes are checked before any parsing (never a hang on a huge
 * file), then the JSON, then the shape, and a refusal says what is wrong and where.
 */
import { z } from 'zod';

export const SCENARIO_FORMAT = 'ct-offload-lab/scenario';
export const SCENARIO_VERSION = 1;
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_TITLE_CHARS = 200;
export const MAX_SEED = 0xffff_ffff;

/** The seed of the simulator's PRNG: an unsigned 32-bit integer. */
export const seedSchema = z.number().int().min(0).max(MAX_SEED);

export const scenarioDocSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT),
    version: z.literal(SCENARIO_VERSION),
    seed: seedSchema,
    text: z.string().max(MAX_TEXT_CHARS),
    title: z.string().max(MAX_TITLE_CHARS).optional(),
  })
  .strict();

export type ScenarioDoc = z.infer<typeof scenarioDocSchema>;
export type ParseResult = { ok: true; doc: ScenarioDoc } | { ok: false; error: string };

export function makeScenarioDoc(text: string, seed: number, title?: string): ScenarioDoc {
  return { format: SCENARIO_FORMAT, version: SCENARIO_VERSION, seed, text, ...(title ? { title } : {}) };
}

/** What each field must be, in the words a refusal uses. */
const EXPECTED: Record<string, string> = {
  format: `expected "${SCENARIO_FORMAT}"`,
  version: `expected ${SCENARIO_VERSION} (a file of another version of CT Offload Lab?)`,
  seed: `expected an integer from 0 to ${MAX_SEED}`,
  text: `expected a string of at most ${MAX_TEXT_CHARS} characters`,
  title: `expected a string of at most ${MAX_TITLE_CHARS} characters`,
};

/** A value as a refusal quotes it: short, so a megabyte string does not become the message. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function describeIssue(issue: z.ZodIssue, input: Record<string, unknown>): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `"${k}": unknown field`).join('; ');
  const field = String(issue.path[0] ?? '');
  if (!(field in input)) return `"${field}": missing (${EXPECTED[field]})`;
  return `"${field}": ${EXPECTED[field]}, got ${describe(input[field])}`;
}

/** Validates an already-parsed value; messages name the field. */
export function validateScenarioDoc(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `expected a JSON object with "format", "version", "seed" and "text", got ${describe(value)}` };
  }
  const parsed = scenarioDocSchema.safeParse(value);
  if (parsed.success) return { ok: true, doc: parsed.data };
  const messages = [...new Set(parsed.error.issues.map((i) => describeIssue(i, value as Record<string, unknown>)))];
  return { ok: false, error: messages.join('; ') };
}

/** UTF-8 size without encoding the whole string when it is plainly too big. */
function tooBig(text: string): boolean {
  // A UTF-16 code unit is at least one UTF-8 byte, so a long string is refused without counting.
  return text.length > MAX_FILE_BYTES || new TextEncoder().encode(text).length > MAX_FILE_BYTES;
}

export const tooBigMessage = (bytes: number | string) =>
  `the file is too big (${bytes} bytes; at most ${MAX_FILE_BYTES} bytes = 1 MB)`;

/** Reads a scenario file's content: size, then JSON, then shape. */
export function parseScenarioFile(text: string): ParseResult {
  if (tooBig(text)) return { ok: false, error: tooBigMessage(text.length > MAX_FILE_BYTES ? `more than ${MAX_FILE_BYTES}` : new TextEncoder().encode(text).length) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return validateScenarioDoc(value);
}

/** The file content Export writes: stable key order, readable in an editor. */
export function serializeScenarioDoc(doc: ScenarioDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The file name Export suggests: the title made safe for file systems, else "scenario". */
function fileStem(doc: ScenarioDoc): string {
  const stem = (doc.title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'scenario';
}

export function exportFileName(doc: ScenarioDoc): string {
  return `${fileStem(doc)}.ctlab.json`;
}

/** The plain scenario text's file name (what the CLI runs). */
export function simFileName(doc: ScenarioDoc): string {
  return `${fileStem(doc)}.sim`;
}
