/**
 * Flow sizes for the traffic generator. Real traffic is fat-tailed (the talk's Q&A: most web
 * connections are short, a few carry most of the bytes), so the generator draws each
 * connection's length from a heavy-tailed law with the engine's seeded PRNG.
 */
import type { Rng } from '../rng';
import type { FlowSizeSpec } from '../script/ast';

/**
 * Pareto type I: P(X > x) = (min / x)^alpha for x ≥ min (alpha ≤ 1 has no finite mean);
 * lognormal: exp(N(mu, sigma²)); fixed: every flow the same size.
 */
export type FlowSizeDist = FlowSizeSpec;

/** Flows are counted in data segments and stored in 32 bits: longer ones run for the whole session. */
export const MAX_FLOW_SEGMENTS = 0xffffffff;

/** Checks the parameters; returns an error message or null. */
export function validateFlowSize(d: FlowSizeDist): string | null {
  switch (d.kind) {
    case 'pareto':
      if (!(d.alpha > 0) || !Number.isFinite(d.alpha)) return `pareto alpha must be a positive number, not ${d.alpha}`;
      if (!(d.min >= 1) || !Number.isFinite(d.min)) return `pareto minimum must be at least 1 segment, not ${d.min}`;
      return null;
    case 'lognormal':
      if (!Number.isFinite(d.mu)) return `lognormal mu must be a number, not ${d.mu}`;
      if (!(d.sigma >= 0) || !Number.isFinite(d.sigma)) return `lognormal sigma must be a non-negative number, not ${d.sigma}`;
      return null;
    case 'fixed':
      if (!(d.segments >= 1)) return `a flow has at least 1 segment, not ${d.segments}`;
      return null;
  }
}

/** Number of data segments of one flow (at least 1, at most MAX_FLOW_SEGMENTS). */
export function drawFlowSize(rng: Rng, d: FlowSizeDist): number {
  let x: number;
  switch (d.kind) {
    case 'pareto':
      // Inverse transform with U in (0, 1]: min / U^(1/alpha).
      x = d.min / Math.pow(1 - rng.float(), 1 / d.alpha);
      break;
    case 'lognormal':
      x = Math.exp(d.mu + d.sigma * standardNormal(rng));
      break;
    case 'fixed':
      x = d.segments;
      break;
  }
  return x >= MAX_FLOW_SEGMENTS ? MAX_FLOW_SEGMENTS : Math.max(1, Math.round(x));
}

/** Box–Muller: one N(0, 1) draw from two uniforms. */
function standardNormal(rng: Rng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
