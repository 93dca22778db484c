/**
 * The page's mode and deep link, read from the URL: `?present` (presenter mode), `?embed` (the
 * graph and the narration only, for an <iframe>), `?notes` (the speaker-notes window), with
 * `checkpoint=K` and `scenario=ID` (a library id; else the share link's scenario in the hash).
 */
export type PageMode = 'app' | 'present' | 'embed' | 'notes';

export interface PageLink {
  mode: PageMode;
  scenario?: string;
  checkpoint?: number;
  /** What is wrong with the link, said to the user. */
  error?: string;
}

const MODE_PARAMS = ['notes', 'embed', 'present'] as const;

export function readPageLink(search: string): PageLink {
  const q = new URLSearchParams(search);
  const mode: PageMode = MODE_PARAMS.find((m) => q.has(m)) ?? 'app';
  const link: PageLink = { mode };
  const scenario = q.get('scenario');
  if (scenario !== null) link.scenario = scenario;
  const raw = q.get('checkpoint');
  if (raw !== null) {
    if (/^\d{1,6}$/.test(raw) && Number(raw) >= 1) link.checkpoint = Number(raw);
    else link.error = `checkpoint "${raw.slice(0, 40)}" is not a checkpoint number (1, 2, …)`;
  }
  return link;
}

/** A deep link's checkpoint against the scenario's count. */
export function checkpointError(k: number, n: number): string | undefined {
  if (n === 0) return 'this scenario has no checkpoints (## checkpoint: lines; see "Narration" in the README)';
  if (k > n) return `checkpoint ${k} does not exist: this scenario has ${n} checkpoint${n === 1 ? '' : 's'}`;
  return undefined;
}

/** The same page's URL in another mode, at checkpoint `k` (0: none); the scenario and the hash stay. */
export function linkTo(href: string, mode: PageMode, k = 0): string {
  const url = new URL(href);
  for (const m of MODE_PARAMS) url.searchParams.delete(m);
  url.searchParams.delete('checkpoint');
  if (mode !== 'app') url.searchParams.set(mode, '');
  if (mode !== 'app' && k > 0) url.searchParams.set('checkpoint', String(k));
  // `?present=` reads as well as `?present`, but the short form is what people type.
  url.search = url.search.replace(/=(&|$)/g, '$1');
  return url.toString();
}
