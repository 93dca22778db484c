import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { MAX_FLOW_SEGMENTS, drawFlowSize, validateFlowSize } from './flowsize';

const draws = (n: number, f: (rng: Rng) => number): number[] => {
  const rng = new Rng(42);
  return Array.from({ length: n }, () => f(rng));
};

describe('drawFlowSize', () => {
  it('Pareto: never below the minimum, heavy tail as the law says', () => {
    const xs = draws(100_000, (r) => drawFlowSize(r, { kind: 'pareto', alpha: 1.2, min: 2 }));
    expect(Math.min(...xs)).toBe(2);
    // P(X > 20) = (2/20)^1.2 = 6.3%; P(X > 200) = 0.40%.
    const above = (x: number): number => xs.filter((v) => v > x).length / xs.length;
    expect(above(20)).toBeCloseTo(0.063, 2);
    expect(above(200)).toBeCloseTo(0.004, 3);
  });

  it('lognormal: median exp(mu)', () => {
    const xs = draws(20_001, (r) => drawFlowSize(r, { kind: 'lognormal', mu: Math.log(50), sigma: 1 })).sort((a, b) => a - b);
    expect(xs[10_000]).toBeGreaterThanOrEqual(48);
    expect(xs[10_000]).toBeLessThanOrEqual(52);
  });

  it('fixed sizes, and sizes capped at MAX_FLOW_SEGMENTS', () => {
    const rng = new Rng(1);
    expect(drawFlowSize(rng, { kind: 'fixed', segments: 7 })).toBe(7);
    expect(drawFlowSize(rng, { kind: 'fixed', segments: 1e12 })).toBe(MAX_FLOW_SEGMENTS);
    expect(drawFlowSize(rng, { kind: 'pareto', alpha: 1e-9, min: 1 })).toBe(MAX_FLOW_SEGMENTS);
  });

  it('is deterministic for a seed', () => {
    const a = draws(5, (r) => drawFlowSize(r, { kind: 'pareto', alpha: 1.2, min: 2 }));
    expect(draws(5, (r) => drawFlowSize(r, { kind: 'pareto', alpha: 1.2, min: 2 }))).toEqual(a);
  });
});

describe('validateFlowSize', () => {
  it('explains bad parameters', () => {
    expect(validateFlowSize({ kind: 'pareto', alpha: 1.2, min: 2 })).toBeNull();
    expect(validateFlowSize({ kind: 'pareto', alpha: 1.2, min: 0.5 })).toBe('pareto minimum must be at least 1 segment, not 0.5');
    expect(validateFlowSize({ kind: 'lognormal', mu: 1, sigma: -1 })).toBe('lognormal sigma must be a non-negative number, not -1');
    expect(validateFlowSize({ kind: 'fixed', segments: 0 })).toBe('a flow has at least 1 segment, not 0');
  });
});
