/**
 * Every keyboard shortcut of the page, as data: the help overlay lists this registry and
 * `useShortcuts` binds it, so the two cannot disagree. Handlers are supplied by id by whoever
 * owns the action (playback by the session, help by the frame).
 */
import { useEffect, useLayoutEffect, useRef } from 'react';

export type ShortcutGroup = 'Playback' | 'Presenter' | 'Help';

export interface Shortcut {
  id: ShortcutId;
  /** The key as KeyboardEvent.key reports it. */
  key: string;
  shift?: boolean;
  alt?: boolean;
  /** How the help overlay shows the keys. */
  label: string;
  description: string;
  group: ShortcutGroup;
}

export const SHORTCUTS = [
  { id: 'playPause', key: ' ', label: 'Space', description: 'Play / Pause', group: 'Playback' },
  { id: 'stepForward', key: 'ArrowRight', label: '→', description: 'Step forward (a packet)', group: 'Playback' },
  { id: 'stepBack', key: 'ArrowLeft', label: '←', description: 'Step back (a packet)', group: 'Playback' },
  { id: 'stepEventForward', key: 'ArrowRight', shift: true, label: 'Shift+→', description: 'Step forward by one event', group: 'Playback' },
  { id: 'stepEventBack', key: 'ArrowLeft', shift: true, label: 'Shift+←', description: 'Step back by one event', group: 'Playback' },
  { id: 'stepLineForward', key: 'ArrowRight', alt: true, label: 'Alt+→', description: 'Step forward by one command line', group: 'Playback' },
  { id: 'stepLineBack', key: 'ArrowLeft', alt: true, label: 'Alt+←', description: 'Step back by one command line', group: 'Playback' },
  { id: 'reset', key: 'Home', label: 'Home', description: 'Reset to the start', group: 'Playback' },
  { id: 'toEnd', key: 'End', label: 'End', description: 'Run to the end', group: 'Playback' },
  { id: 'present', key: 'p', label: 'P', description: 'Presenter mode (its own keys: → ← Space PageDown PageUp, Escape leaves)', group: 'Presenter' },
  // `?` is Shift+/ on most layouts: the key, not the modifiers, says it.
  { id: 'help', key: '?', label: '?', description: 'Show this help', group: 'Help' },
  { id: 'closeHelp', key: 'Escape', label: 'Escape', description: 'Close this help', group: 'Help' },
] as const satisfies readonly (Omit<Shortcut, 'id'> & { id: string })[];

export type ShortcutId = (typeof SHORTCUTS)[number]['id'];

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** The shortcut a key press means, if any. Ctrl/Meta combinations stay the browser's. */
export function shortcutFor(press: KeyPress): ShortcutId | undefined {
  if (press.ctrlKey || press.metaKey) return undefined;
  const match = SHORTCUTS.find(
    (s: Shortcut) =>
      s.key === press.key && (s.key === '?' || (!!s.shift === press.shiftKey && !!s.alt === press.altKey)),
  );
  return match?.id;
}

/**
 * Whether a key press belongs to the focused element rather than to the page: typing in a text
 * field (every key but Escape), and Space/Enter on a button or switch (their own activation).
 * Arrows on a widget that handles them (a splitter, a slider) call preventDefault and are skipped.
 */
export function belongsToFocused(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (key === 'Escape') return false;
  if (target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return true;
  if (key === ' ' && target.closest('button, a[href], summary, [role="button"], [role="switch"], [role="tab"], [role="checkbox"]')) return true;
  return false;
}

export type ShortcutHandlers = Partial<Record<ShortcutId, () => void>>;

/** Binds the registry's keys to the given handlers for as long as the component is mounted. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const current = useRef(handlers);
  useLayoutEffect(() => {
    current.current = handlers;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const id = shortcutFor(event);
      if (!id) return;
      const handler = current.current[id];
      if (!handler || belongsToFocused(event.target, event.key)) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
