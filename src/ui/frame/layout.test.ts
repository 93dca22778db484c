// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FRAME_LAYOUT,
  LAYOUT_STORAGE_KEY,
  REGION_IDS,
  loadLayout,
  moveSplitter,
  pruneLayout,
  regionsUnder,
  saveLayout,
  splitterKeyStep,
  splitterPercent,
} from './layout';

describe('the frame layout', () => {
  it('holds every region exactly once', () => {
    expect([...regionsUnder(FRAME_LAYOUT)].sort()).toEqual([...REGION_IDS].sort());
  });

  it('drops the regions the page did not supply, and splits left empty', () => {
    const pruned = pruneLayout(FRAME_LAYOUT, new Set(['pipeline', 'shell'] as const));
    expect(pruned && regionsUnder(pruned)).toEqual(['pipeline', 'shell']);
    expect(JSON.stringify(pruned)).not.toContain('dock');
    expect(pruneLayout(FRAME_LAYOUT, new Set())).toBeUndefined();
  });
});

describe('splitters', () => {
  it('move weight between the two panes beside them only', () => {
    expect(moveSplitter([40, 20, 20, 20], 1, 5)).toEqual([40, 25, 15, 20]);
    expect(moveSplitter([40, 20, 20, 20], 0, -10)).toEqual([30, 30, 20, 20]);
  });

  it('keep each pane at least 8% of its split', () => {
    expect(moveSplitter([50, 50], 0, 100)).toEqual([92, 8]);
    expect(moveSplitter([50, 50], 0, -100)).toEqual([8, 92]);
  });

  it('leave panes already under the minimum as they are', () => {
    expect(moveSplitter([1, 1, 98], 0, 0.5)).toEqual([1, 1, 98]);
  });

  it('report their position in percent of the split', () => {
    expect(splitterPercent([58, 42], 0)).toBe(58);
    expect(splitterPercent([40, 20, 20, 20], 1)).toBe(60);
  });

  it('map keys to steps along their own axis only', () => {
    expect(splitterKeyStep('ArrowRight', false, 'row')).toBe(2);
    expect(splitterKeyStep('ArrowLeft', true, 'row')).toBe(-10);
    expect(splitterKeyStep('ArrowDown', false, 'row')).toBeUndefined();
    expect(splitterKeyStep('ArrowDown', false, 'column')).toBe(2);
    expect(splitterKeyStep('ArrowUp', false, 'column')).toBe(-2);
    expect(splitterKeyStep('PageDown', false, 'column')).toBe(10);
    expect(splitterKeyStep('Home', false, 'row')).toBe(-100);
    expect(splitterKeyStep('End', false, 'row')).toBe(100);
    expect(splitterKeyStep('a', false, 'row')).toBeUndefined();
  });
});

describe('the stored layout', () => {
  beforeEach(() => localStorage.clear());

  it('round-trips sizes and collapsed panels', () => {
    saveLayout({ sizes: { pipeline: 70, dock: 30 }, collapsed: ['shell'] });
    expect(loadLayout()).toEqual({ sizes: { pipeline: 70, dock: 30 }, collapsed: ['shell'] });
  });

  it.each([
    ['not JSON', 'nope'],
    ['another version', JSON.stringify({ version: 2, sizes: {}, collapsed: [] })],
    ['a negative size', JSON.stringify({ version: 1, sizes: { pipeline: -1 }, collapsed: [] })],
    ['an unknown region', JSON.stringify({ version: 1, sizes: {}, collapsed: ['graph'] })],
  ])('falls back to the default layout when the stored one is %s', (_, stored) => {
    localStorage.setItem(LAYOUT_STORAGE_KEY, stored);
    expect(loadLayout()).toEqual({ sizes: {}, collapsed: ['charts'] });
  });
});
