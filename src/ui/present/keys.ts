/**
 * Presenter mode's keys, as data (the presenter's hint lists them): presentation clickers send
 * PageDown/PageUp (some send arrows); Space goes forward and Shift+Space back, as in slide
 * software. The page's playback shortcuts are not bound while presenting.
 */
import type { KeyPress } from '../frame/shortcuts';

export type PresenterAction = 'next' | 'previous' | 'leave';

export const PRESENTER_KEYS: readonly { key: string; shift?: boolean; label: string; action: PresenterAction }[] = [
  { key: 'ArrowRight', label: '→', action: 'next' },
  { key: 'PageDown', label: 'PageDown', action: 'next' },
  { key: ' ', label: 'Space', action: 'next' },
  { key: 'ArrowLeft', label: '←', action: 'previous' },
  { key: 'PageUp', label: 'PageUp', action: 'previous' },
  { key: ' ', shift: true, label: 'Shift+Space', action: 'previous' },
  { key: 'Escape', label: 'Escape', action: 'leave' },
];

export function presenterActionFor(press: KeyPress): PresenterAction | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  return PRESENTER_KEYS.find((k) => k.key === press.key && (k.key !== ' ' || !!k.shift === press.shiftKey))?.action;
}
