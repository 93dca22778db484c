/**
 * Speaker notes in a second window: the presenter posts the current and the next checkpoint's
 * notes on a BroadcastChannel whenever it moves; the notes window (`?notes`) asks for them when
 * it opens. Messages are validated on receipt: another tab of the page may share the channel.
 */
import { z } from 'zod';
import type { Narration } from '../../engine/script/narration';

export const NOTES_CHANNEL = 'ct-offload-lab/speaker-notes';

const slideSchema = z.object({ title: z.string(), notes: z.array(z.string()) });

const stateSchema = z.object({
  type: z.literal('state'),
  scenario: z.string(),
  index: z.number().int().min(0),
  count: z.number().int().min(0),
  current: slideSchema.nullable(),
  next: slideSchema.nullable(),
});

const messageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('hello') }), stateSchema]);

export type NotesState = z.infer<typeof stateSchema>;
export type NotesMessage = z.infer<typeof messageSchema>;

/** What the notes window shows at checkpoint `k` (0: the start). */
export function notesState(narration: Narration, k: number): NotesState {
  const slide = (i: number) => {
    const c = narration.checkpoints[i - 1];
    return c ? { title: c.title, notes: c.notes } : null;
  };
  return { type: 'state', scenario: narration.title ?? '', index: k, count: narration.checkpoints.length, current: slide(k), next: slide(k + 1) };
}

export function readNotesMessage(data: unknown): NotesMessage | null {
  const r = messageSchema.safeParse(data);
  return r.success ? r.data : null;
}
