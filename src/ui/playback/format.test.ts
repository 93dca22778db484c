import { describe, expect, it } from 'vitest';
import { EMPTY_CURSOR } from '../session/store';
import { cursorText, formatTime, markPositions, speedLabel } from './format';

describe('playback formatting', () => {
  it('writes virtual time to the microsecond', () => {
    expect(formatTime(0)).toBe('0.000000 s');
    expect(formatTime(31_000_001)).toBe('31.000001 s');
    expect(formatTime(1_500_000)).toBe('1.500000 s');
  });
  it('says where the cursor is, and whether the end is known', () => {
    expect(cursorText({ ...EMPTY_CURSOR, step: 3, line: 7, t: 1_000_000, known: { steps: 40, t: 2, complete: true } })).toBe('step 3 of 40, line 7, t = 1.000000 s');
    expect(cursorText({ ...EMPTY_CURSOR, known: { steps: 10, t: 0, complete: false } })).toBe('step 0 of 10+, t = 0.000000 s');
  });
  it('names speeds', () => {
    expect(speedLabel(0.1)).toBe('0.1×');
    expect(speedLabel(Infinity)).toBe('As fast as possible');
  });
  it('places marks along the steps', () => {
    const m = markPositions(
      [
        { step: 0, t: 0, kind: 'line', line: 5 },
        { step: 20, t: 0, kind: 'packet', line: 24, pkt: 3 },
        { step: 30, t: 1, kind: 'expect-failed', line: 28 },
        { step: 40, t: 1, kind: 'error', line: 30 },
      ],
      40,
      40,
    );
    expect(m.map((x) => x.x)).toEqual([0, 0.5, 0.75, 1]);
    expect(m[1].label).toBe('packet 3 (line 24) at 0.000000 s');
    expect(m[2]).toEqual({ x: 0.75, step: 30, kind: 'expect-failed', label: 'Failed expectation at line 28', ahead: false });
  });
  it('names a failed expect the cursor has not reached as ahead, and as reached from its own step on', () => {
    const marks = [{ step: 30, t: 1, kind: 'expect-failed' as const, line: 28 }];
    expect(markPositions(marks, 40, 29)[0]).toMatchObject({ ahead: true, label: 'Failed expectation ahead at line 28' });
    expect(markPositions(marks, 40, 30)[0]).toMatchObject({ ahead: false, label: 'Failed expectation at line 28' });
    expect(markPositions(marks, 40, 0)[0].ahead).toBe(true);
  });
  it('never marks other kinds as ahead', () => {
    const m = markPositions(
      [
        { step: 20, t: 0, kind: 'packet', line: 24, pkt: 3 },
        { step: 40, t: 1, kind: 'error', line: 30 },
      ],
      40,
      0,
    );
    expect(m.map((x) => x.ahead)).toEqual([false, false]);
    expect(m[1].label).toBe('error at line 30');
  });
});
