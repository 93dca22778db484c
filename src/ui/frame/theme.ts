/**
 * Light and dark themes: the page follows `prefers-color-scheme` until the user presses the
 * "Dark theme" switch; that explicit choice is remembered in localStorage and wins from then on.
 * The theme is applied as `data-theme` on <html>; app.css defines both palettes.
 */
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { readStored, writeStored } from './storage';

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'ct-offload-lab/theme';
const storedThemeSchema = z.object({ version: z.literal(1), theme: z.enum(['light', 'dark']) });

export function loadThemeChoice(): Theme | undefined {
  return readStored(THEME_STORAGE_KEY, storedThemeSchema)?.theme;
}

export function saveThemeChoice(theme: Theme): void {
  writeStored(THEME_STORAGE_KEY, { version: 1, theme });
}

/** The theme shown: the user's choice if any, else the system's preference. */
export function resolveTheme(choice: Theme | undefined, systemPrefersDark: boolean): Theme {
  return choice ?? (systemPrefersDark ? 'dark' : 'light');
}

const DARK_QUERY = '(prefers-color-scheme: dark)';
const systemPrefersDark = (): boolean => globalThis.matchMedia?.(DARK_QUERY).matches ?? false;

export function useTheme(): { theme: Theme; toggleTheme: () => void } {
  const [choice, setChoice] = useState(loadThemeChoice);
  const [systemDark, setSystemDark] = useState(systemPrefersDark);

  useEffect(() => {
    const query = globalThis.matchMedia?.(DARK_QUERY);
    if (!query) return;
    const onChange = (e: MediaQueryListEvent) => setSystemDark(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const theme = resolveTheme(choice, systemDark);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const toggleTheme = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    saveThemeChoice(next);
    setChoice(next);
  }, [theme]);

  return { theme, toggleTheme };
}
