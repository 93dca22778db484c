import { describe, expect, it } from 'vitest';
import type { Layout, LaidNode } from './layout';
import { fitLayout, fitNodes, matchesPattern } from './viewport';

const node = (id: string, x: number, y: number, w: number, h: number): LaidNode => ({ id, x, y, w, h, data: { type: 'conntrack', entries: 0, zones: [] } });

const LAYOUT: Layout = {
  nodes: [node('a', 0, 0, 100, 100), node('b', 900, 500, 100, 100), node('c', 1000, 0, 200, 50)],
  edges: [],
  width: 1200,
  height: 600,
};

describe('viewports', () => {
  it('fits the whole layout, centred, with a small margin', () => {
    // 1224 wide box, 12 px pads: zoom 1, centred vertically in 800
    expect(fitLayout(LAYOUT, 1224, 800)).toEqual({ x: 12, y: 100, zoom: 1 });
  });

  it('fits the focused nodes: their bounding box fills the view (zoom capped at 1.2)', () => {
    // nodes b and c span x 900..1200, y 0..600: 300 x 600 in 1000 x 680 → zoom (680-80)/600 = 1
    expect(fitNodes(LAYOUT, ['b', 'c'], 1000, 680)).toEqual({ x: 500 - 1050, y: 40, zoom: 1 });
    // one small node: the zoom stops at 1.2, the node centred
    const v = fitNodes(LAYOUT, ['a'], 1000, 1000);
    expect(v.zoom).toBe(1.2);
    expect(v.x + 50 * v.zoom).toBe(500);
    expect(v.y + 50 * v.zoom).toBe(500);
  });

  it('matches node patterns part by part, * standing for one part', () => {
    expect(matchesPattern('sw:uplink:ingress:2', 'sw:uplink:*:2')).toBe(true);
    expect(matchesPattern('sw:uplink:ingress:0', 'sw:uplink:*:2')).toBe(false);
    expect(matchesPattern('hw:uplink:2', 'sw:uplink:*:2')).toBe(false);
    expect(matchesPattern('ft:1', 'ft:*')).toBe(true);
    expect(matchesPattern('port:uplink', 'port:uplink')).toBe(true);
    expect(matchesPattern('port:uplink2', 'port:uplink')).toBe(false);
  });

  it('falls back to the whole layout when it has none of the focused nodes', () => {
    expect(fitNodes(LAYOUT, ['missing'], 1224, 800)).toEqual(fitLayout(LAYOUT, 1224, 800));
    expect(fitNodes(LAYOUT, [], 1224, 800)).toEqual(fitLayout(LAYOUT, 1224, 800));
  });
});

describe('fitLayout below the legend bar', () => {
  const BAR = 34;
  const box = (width: number, height: number) => ({ nodes: [], edges: [], width, height }) as Layout;

  it('fits a layout limited by height below the bar, centred across', () => {
    // 1000 × 500 in an 800 × 300 box: the height left under the bar decides the zoom.
    const v = fitLayout(box(1000, 500), 800, 300, BAR);
    expect(v.zoom).toBeCloseTo((300 - BAR - 24) / 500);
    expect(v.y).toBe(BAR + 12);
    expect(v.x).toBeCloseTo((800 - 1000 * v.zoom) / 2);
  });

  it('fits a layout limited by width, centred in the height under the bar; never zooms past 1.5', () => {
    const v = fitLayout(box(1000, 100), 524, 400, BAR);
    expect(v.zoom).toBeCloseTo(0.5);
    expect(v.y).toBeCloseTo(BAR + 12 + (400 - BAR - 24 - 50) / 2);
    expect(fitLayout(box(100, 100), 2000, 2000, BAR).zoom).toBe(1.5);
  });
});
