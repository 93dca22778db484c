import type { SimError } from '../engine/script/ast';

/** How the page names a scenario error: the position the editor's user can find. */
export function formatSimError({ line, col, message }: SimError): string {
  return `line ${line}, col ${col}: ${message}`;
}
