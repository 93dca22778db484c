// @vitest-environment happy-dom
import { render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SHORTCUTS, belongsToFocused, shortcutFor, useShortcuts, type ShortcutHandlers } from './shortcuts';

const press = (key: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) =>
  shortcutFor({ key, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });

describe('the shortcut registry', () => {
  it('has unique ids and one entry per key combination', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    const combos = SHORTCUTS.map((s) => `${s.key}|${'shift' in s && s.shift}|${'alt' in s && s.alt}`);
    expect(new Set(combos).size).toBe(SHORTCUTS.length);
  });

  it('maps key presses to shortcuts', () => {
    expect(press(' ')).toBe('playPause');
    expect(press('ArrowRight')).toBe('stepForward');
    expect(press('ArrowLeft')).toBe('stepBack');
    expect(press('ArrowRight', { shiftKey: true })).toBe('stepEventForward');
    expect(press('ArrowLeft', { shiftKey: true })).toBe('stepEventBack');
    expect(press('ArrowRight', { altKey: true })).toBe('stepLineForward');
    expect(press('ArrowLeft', { altKey: true })).toBe('stepLineBack');
    expect(press('Home')).toBe('reset');
    expect(press('End')).toBe('toEnd');
    expect(press('?', { shiftKey: true })).toBe('help');
    expect(press('?')).toBe('help');
    expect(press('Escape')).toBe('closeHelp');
  });

  it('leaves the browser its Ctrl/Meta combinations and other keys', () => {
    expect(press('ArrowRight', { ctrlKey: true })).toBeUndefined();
    expect(press('ArrowLeft', { metaKey: true })).toBeUndefined();
    expect(press('ArrowRight', { shiftKey: true, altKey: true })).toBeUndefined();
    expect(press('x')).toBeUndefined();
  });

  it('leaves keys to text fields (but Escape) and Space to buttons', () => {
    document.body.innerHTML = '<textarea></textarea><input type="text"><button>b</button><div tabindex="0"></div>';
    const [textarea, input, button, div] = [...document.body.children];
    expect(belongsToFocused(textarea, 'ArrowRight')).toBe(true);
    expect(belongsToFocused(input, '?')).toBe(true);
    expect(belongsToFocused(textarea, 'Escape')).toBe(false);
    expect(belongsToFocused(button, ' ')).toBe(true);
    expect(belongsToFocused(button, 'ArrowRight')).toBe(false);
    expect(belongsToFocused(div, ' ')).toBe(false);
  });
});

function Bound({ handlers }: { handlers: ShortcutHandlers }) {
  useShortcuts(handlers);
  return <textarea aria-label="typing" />;
}

describe('useShortcuts', () => {
  it('calls the handler bound to a shortcut, not while typing, and not after unmount', () => {
    const stepForward = vi.fn();
    const playPause = vi.fn();
    const view = render(<Bound handlers={{ stepForward, playPause }} />);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    expect(stepForward).toHaveBeenCalledTimes(1);
    view.getByLabelText('typing').dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    expect(playPause).not.toHaveBeenCalled();
    // A shortcut without a handler is not swallowed.
    const help = new KeyboardEvent('keydown', { key: '?', cancelable: true });
    window.dispatchEvent(help);
    expect(help.defaultPrevented).toBe(false);
    view.unmount();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    expect(stepForward).toHaveBeenCalledTimes(1);
  });
});
