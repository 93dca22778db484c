/**
 * The scenarios the app ships: src/scenarios/library/*.sim and the talk's web-server scenario,
 * bundled as text (no fetch at run time, so the library works offline).
 */
import { catalogOf, type LibraryEntry } from './catalog';

const files = import.meta.glob<string>(['../../scenarios/library/*.sim', '../../scenarios/talk-web-server.sim'], { query: '?raw', import: 'default', eager: true });

export const LIBRARY: readonly LibraryEntry[] = catalogOf(files);

export function libraryEntry(id: string): LibraryEntry | undefined {
  return LIBRARY.find((e) => e.id === id);
}
