import { describe, expect, it } from 'vitest';
import type { ExpectResult } from '../../engine/expect';
import { expectMarks, expectSummary } from './expects';

const pass: ExpectResult = { line: 11, col: 1, ok: true, expected: 'expect hw ct count 1', found: 'count 1', message: 'line 11, col 1: expect hw ct count 1: ok' };
const fail: ExpectResult = {
  line: 12,
  col: 1,
  ok: false,
  expected: 'expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD',
  found: 'flags ASSURED,OFFLOAD',
  message: 'line 12, col 1: expect conntrack tcp 192.0.2.10:40000 > 10.0.0.1:80 flags ASSURED,HW_OFFLOAD: found flags ASSURED,OFFLOAD',
};

describe('expect marks', () => {
  it('name each reached line passed or failed with what was found; the tooltip is the message', () => {
    expect(expectMarks([pass, fail])).toEqual([
      { line: 11, ok: true, label: 'expect passed', title: pass.message },
      { line: 12, ok: false, label: 'expect failed: found flags ASSURED,OFFLOAD', title: fail.message },
    ]);
  });
});

describe('expect summary', () => {
  it('counts passed and failed, and those not reached yet', () => {
    expect(expectSummary([pass, fail], 2)).toBe('2 expectations: 1 passed, 1 failed');
    expect(expectSummary([pass], 3)).toBe('3 expectations: 1 passed, 0 failed, 2 not reached yet');
    expect(expectSummary([], 1)).toBe('1 expectation: 0 passed, 0 failed, 1 not reached yet');
    expect(expectSummary([], 0)).toBe('');
  });
});
