/**
 * The scenario library as the app lists it: each file's id (its path under src/scenarios,
 * without `.sim`), title and description from its narration (readNarration), and its text.
 * Pure: the file map comes from the bundler (scenarios.ts) or from a test.
 */
import type { SimError } from '../../engine/script/ast';
import { readNarration, type Narration } from '../../engine/script/narration';

export interface LibraryEntry {
  id: string;
  title: string;
  description: string;
  text: string;
  narration: Narration;
  /** The narration could not be read: the entry still loads, without checkpoints. */
  narrationError?: SimError;
}

/** `…/scenarios/library/web-server.sim` → `library/web-server`. */
export function scenarioId(path: string): string {
  const at = path.lastIndexOf('scenarios/');
  const rel = at >= 0 ? path.slice(at + 'scenarios/'.length) : path.slice(path.lastIndexOf('/') + 1);
  return rel.replace(/\.sim$/, '');
}

/** A file without a `## description:` is described by its leading `#` comment lines (up to the first blank line). */
function leadingComment(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('#') || t.startsWith('##')) break;
    out.push(t.replace(/^#\s?/, ''));
  }
  return out.join(' ').trim();
}

/** The talk walkthrough opens the list: it is what a speaker looks for first. */
const FIRST = 'library/talk-walkthrough';

function byListOrder(a: LibraryEntry, b: LibraryEntry): number {
  if ((a.id === FIRST) !== (b.id === FIRST)) return a.id === FIRST ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function catalogOf(files: Readonly<Record<string, string>>): LibraryEntry[] {
  return Object.entries(files)
    .map(([path, text]): LibraryEntry => {
      const id = scenarioId(path);
      const read = readNarration(text);
      const narration = 'error' in read ? { checkpoints: [] } : read;
      return {
        id,
        title: narration.title ?? id.slice(id.lastIndexOf('/') + 1),
        description: narration.description ?? leadingComment(text),
        text,
        narration,
        ...('error' in read ? { narrationError: read.error } : {}),
      };
    })
    .sort(byListOrder);
}
