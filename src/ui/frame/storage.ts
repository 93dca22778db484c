/**
 * localStorage behind a zod schema: what the page reads back from a previous visit (or from a
 * user who edited devtools) is untrusted. A value that is missing, not JSON, of another version or
 * shape is ignored; storage that throws (private mode, quota, disabled) is treated as empty. The
 * page never crashes and never logs for it: a fallback is the documented outcome.
 */
import type { z } from 'zod';

/** The browser's localStorage, or none where reading it throws (sandboxed iframes, disabled storage). */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

export function readStored<S extends z.ZodTypeAny>(key: string, schema: S): z.infer<S> | undefined {
  try {
    const raw = storage()?.getItem(key);
    if (raw == null) return undefined;
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a value; returns false when storage refused it (quota, disabled), which callers may ignore. */
export function writeStored(key: string, value: unknown): boolean {
  try {
    const store = storage();
    if (!store) return false;
    store.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeStored(key: string): void {
  try {
    storage()?.removeItem(key);
  } catch {
    // Nothing stored is as good as removed.
  }
}
