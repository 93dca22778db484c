import { describe, expect, it } from 'vitest';
import { browse, caretLine } from './history';

describe('shell history', () => {
  const lines = ['conntrack -L', 'sleep 1'];
  it('walks back and forth and returns to the draft', () => {
    let s = { index: 2, draft: '' };
    let r = browse(lines, s, 'tc fi', -1);
    expect(r.text).toBe('sleep 1');
    s = r.state;
    r = browse(lines, s, r.text, -1);
    expect(r.text).toBe('conntrack -L');
    r = browse(lines, r.state, r.text, -1);
    expect(r.text).toBe('conntrack -L');
    r = browse(lines, r.state, r.text, 1);
    r = browse(lines, r.state, r.text, 1);
    expect(r.text).toBe('tc fi');
  });
  it('puts the caret under the column', () => {
    expect(caretLine(1)).toBe('^');
    expect(caretLine(5)).toBe('    ^');
  });
});
