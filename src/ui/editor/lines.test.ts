import { describe, expect, it } from 'vitest';
import { caretUnder, lineAt, lineCount, offsetOf } from './lines';

const text = 'tc qdisc add dev uplink ingress\nfrobnicate\n\nlast';

describe('editor lines', () => {
  it('counts lines as the gutter numbers them', () => {
    expect(lineCount('')).toBe(1);
    expect(lineCount('a\n')).toBe(2);
    expect(lineCount(text)).toBe(4);
  });

  it('finds the offset of a line:col, clamped to the line and the text', () => {
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 4)).toBe(text.indexOf('frobnicate') + 3);
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf('\n\n'));
    expect(offsetOf(text, 3, 1)).toBe(text.indexOf('\n\n') + 1);
    expect(offsetOf(text, 9, 1)).toBe(text.length);
  });

  it('reads a line and draws a caret under a column', () => {
    expect(lineAt(text, 2)).toBe('frobnicate');
    expect(lineAt(text, 4)).toBe('last');
    expect(lineAt(text, 5)).toBe('');
    expect(caretUnder(1)).toBe('^');
    expect(caretUnder(4)).toBe('   ^');
  });
});
