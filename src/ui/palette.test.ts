/**
 * WCAG AA contrast of the stylesheet's text colours, in both themes: the palette is read from
 * app.css's light-dark() pairs, so a colour change that hurts legibility fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('./app.css', import.meta.url), 'utf8');
const palette = new Map([...css.matchAll(/(--[\w-]+): light-dark\((#[0-9a-f]{6}), (#[0-9a-f]{6})\)/g)].map((m) => [m[1], [m[2], m[3]] as const]));

/** WCAG 2.x relative luminance of an sRGB hex colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Text colour on background, as the stylesheet uses them. */
const TEXT_ON = [
  ['--text', '--bg'],
  ['--text', '--surface'],
  ['--text', '--surface-2'],
  ['--text', '--error-bg'],
  ['--text-muted', '--surface'],
  ['--text-muted', '--surface-2'],
  ['--accent-text', '--accent'],
  ['--accent-text', '--error'],
  ['--error', '--error-bg'],
  ['--error', '--surface'],
  ['--error', '--surface-2'],
  ['--ok', '--surface'],
  ['--miss', '--surface'],
];

describe('the palette', () => {
  it('defines every colour for both themes', () => {
    for (const name of ['--bg', '--surface', '--surface-2', '--text', '--text-muted', '--border', '--accent', '--hw', '--sw', '--miss', '--drop']) {
      expect(palette.has(name), name).toBe(true);
    }
  });

  it.each([0, 1])('meets WCAG AA (4.5:1) for text in theme %i (0 light, 1 dark)', (theme) => {
    for (const [fg, bg] of TEXT_ON) {
      const ratio = contrast(palette.get(fg)![theme], palette.get(bg)![theme]);
      expect(ratio, `${fg} on ${bg}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each([0, 1])('draws the diagram colours at 3:1 against the surface in theme %i', (theme) => {
    for (const lane of ['--hw', '--sw', '--miss', '--drop']) {
      const ratio = contrast(palette.get(lane)![theme], palette.get('--surface')![theme]);
      expect(ratio, `${lane}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(3);
    }
  });
});
