import { describe, expect, it } from 'vitest';
import { presenterActionFor } from './keys';

const press = (key: string, mods: Partial<{ shiftKey: boolean; altKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({ key, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...mods });

describe('presenter keys', () => {
  it('moves with arrows, clicker keys and Space; Shift+Space goes back; Escape leaves', () => {
    expect(['ArrowRight', 'PageDown', ' '].map((k) => presenterActionFor(press(k)))).toEqual(['next', 'next', 'next']);
    expect(['ArrowLeft', 'PageUp'].map((k) => presenterActionFor(press(k)))).toEqual(['previous', 'previous']);
    expect(presenterActionFor(press(' ', { shiftKey: true }))).toBe('previous');
    expect(presenterActionFor(press('Escape'))).toBe('leave');
  });

  it("leaves other keys and the browser's modifier combinations alone", () => {
    expect(presenterActionFor(press('a'))).toBeUndefined();
    expect(presenterActionFor(press('ArrowRight', { altKey: true }))).toBeUndefined();
    expect(presenterActionFor(press('ArrowLeft', { metaKey: true }))).toBeUndefined();
    expect(presenterActionFor(press('PageDown', { ctrlKey: true }))).toBeUndefined();
  });
});
