import { describe, expect, it } from 'vitest';
import { formatSimError } from './formatError';

describe('formatSimError', () => {
  it('names the line and column before the message', () => {
    expect(formatSimError({ line: 3, col: 17, message: "unknown device 'rep9'" })).toBe("line 3, col 17: unknown device 'rep9'");
  });
});
