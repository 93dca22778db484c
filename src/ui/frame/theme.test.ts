// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { THEME_STORAGE_KEY, loadThemeChoice, resolveTheme, saveThemeChoice } from './theme';

describe('themes', () => {
  beforeEach(() => localStorage.clear());

  it('follow the system until the user chooses', () => {
    expect(resolveTheme(undefined, true)).toBe('dark');
    expect(resolveTheme(undefined, false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('remember the choice, and ignore a bad stored one', () => {
    expect(loadThemeChoice()).toBeUndefined();
    saveThemeChoice('dark');
    expect(loadThemeChoice()).toBe('dark');
    localStorage.setItem(THEME_STORAGE_KEY, JSON.stringify({ version: 1, theme: 'purple' }));
    expect(loadThemeChoice()).toBeUndefined();
  });
});
