import { describe, expect, it } from 'vitest';
import { sameValue } from './sameValue';

describe('sameValue', () => {
  it('compares plain data by content', () => {
    expect(sameValue({ kind: 'x', rows: [{ a: 1, b: [null, 'y'] }] }, { kind: 'x', rows: [{ a: 1, b: [null, 'y'] }] })).toBe(true);
    expect(sameValue({ kind: 'x', rows: [{ a: 1 }] }, { kind: 'x', rows: [{ a: 2 }] })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
    expect(sameValue(0, '0')).toBe(false);
  });
});
