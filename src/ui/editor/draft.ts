/**
 * The editor's unsaved text survives a reload: a versioned record in localStorage, validated on
 * read. A draft that is missing, corrupt or of another version is simply not there.
 */
import { z } from 'zod';
import { readStored, removeStored, writeStored } from '../frame/storage';
import { MAX_TEXT_CHARS, seedSchema } from '../share/scenarioDoc';

export const DRAFT_STORAGE_KEY = 'ct-offload-lab/draft';
const DRAFT_VERSION = 1;

const draftSchema = z.object({
  version: z.literal(DRAFT_VERSION),
  text: z.string().max(MAX_TEXT_CHARS),
  seed: seedSchema,
  /** Wall-clock milliseconds (the page's, never the engine's): when the draft was written. */
  savedAt: z.number().finite(),
});

export type Draft = Omit<z.infer<typeof draftSchema>, 'version'>;

export function loadDraft(): Draft | undefined {
  const stored = readStored(DRAFT_STORAGE_KEY, draftSchema);
  return stored && { text: stored.text, seed: stored.seed, savedAt: stored.savedAt };
}

export function saveDraft(text: string, seed: number, savedAt: number = Date.now()): void {
  writeStored(DRAFT_STORAGE_KEY, { version: DRAFT_VERSION, text, seed, savedAt });
}

export function clearDraft(): void {
  removeStored(DRAFT_STORAGE_KEY);
}
