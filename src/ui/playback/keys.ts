/**
 * Playback from the keyboard: Space plays or pauses; ←/→ step a packet, Shift+←/→ an event,
 * Alt+←/→ a command line; Home resets, End runs to the end. Keys typed into a text field are
 * the field's.
 */
import { useEffect } from 'react';
import type { LabController } from '../session/controller';

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type !== 'checkbox' && target.type !== 'button') || target instanceof HTMLSelectElement;
}

export function useKeys(c: LabController): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey) return;
      const dir = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (dir !== 0) {
        e.preventDefault();
        void c.step(e.shiftKey ? 'event' : e.altKey ? 'line' : 'packet', dir);
      } else if (e.key === ' ' && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        c.togglePlay();
      } else if (e.key === 'Home') {
        e.preventDefault();
        void c.reset();
      } else if (e.key === 'End') {
        e.preventDefault();
        void c.toEnd();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [c]);
}
