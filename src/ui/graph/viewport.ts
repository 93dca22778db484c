/**
 * Viewports computed from the layout's own geometry (no measured DOM): the whole graph, or the
 * nodes a presenter's checkpoint brings into view.
 */
import { ANY, type Layout } from './layout';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/**
 * The viewport that shows the box (x0, y0)–(x1, y1) of the layout in w × h pixels, centred
 * below the first `top` pixels (kept for the legend and the zoom buttons).
 */
function fitBox(x0: number, y0: number, x1: number, y1: number, w: number, h: number, top: number, pad: number, maxZoom: number): Viewport {
  const bw = Math.max(1, x1 - x0);
  const bh = Math.max(1, y1 - y0);
  const room = h - top;
  const zoom = Math.max(0.05, Math.min(maxZoom, (w - 2 * pad) / bw, (room - 2 * pad) / bh));
  return { x: (w - bw * zoom) / 2 - x0 * zoom, y: top + Math.max(pad, (room - bh * zoom) / 2) - y0 * zoom, zoom };
}

/** The viewport that shows the whole layout in a box of w × h pixels, centred below `top`. */
export function fitLayout(layout: Layout, w: number, h: number, top = 0): Viewport {
  return fitBox(0, 0, layout.width, layout.height, w, h, top, 12, 1.5);
}

/** A node id against a pattern: the same `:`-separated parts, `*` matching any one part. */
export function matchesPattern(id: string, pattern: string): boolean {
  if (!pattern.includes(ANY)) return id === pattern;
  const a = id.split(':');
  const b = pattern.split(':');
  return a.length === b.length && b.every((part, i) => part === ANY || part === a[i]);
}

/** The viewport that shows the nodes matching `patterns` (the whole layout if none does). */
export function fitNodes(layout: Layout, patterns: readonly string[], w: number, h: number, top = 0): Viewport {
  const nodes = layout.nodes.filter((n) => patterns.some((p) => matchesPattern(n.id, p)));
  if (nodes.length === 0) return fitLayout(layout, w, h, top);
  const x0 = Math.min(...nodes.map((n) => n.x));
  const y0 = Math.min(...nodes.map((n) => n.y));
  const x1 = Math.max(...nodes.map((n) => n.x + n.w));
  const y1 = Math.max(...nodes.map((n) => n.y + n.h));
  // A single small node is not blown up: its neighbours stay in view around it.
  return fitBox(x0, y0, x1, y1, w, h, top, 40, 1.2);
}
