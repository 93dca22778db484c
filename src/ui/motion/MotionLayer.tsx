/**
 * The packets on the graph: one canvas over the flow, redrawn from the page's one frame loop
 * (session/ticker.ts) while dots are in flight, following the viewport's pan and zoom. No React
 * state changes per frame: a new batch starts flights (store subscription), the ticker draws
 * them, and reached rows are lit by toggling a class on their element.
 *
 * Hardware and software dots differ in shape (a diamond in the NIC, a circle in the kernel) as
 * well as in the lane they cross; the colour is the connection's. Fast speeds shorten the
 * flights and fade them; "as fast as possible" draws no dots (the edges show rates). While a
 * connection is selected in a table, its packets' dots are ringed and the others dimmed.
 */
import { useStoreApi } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { PACKET_MS } from '../session/controller';
import { getLab, playingFast, useLab, type LabState } from '../session/store';
import { onTick } from '../session/ticker';
import type { Layout } from '../graph/layout';
import { dotAt, flightsOf, Geometry, newlyReached, type DotState, type Flight } from './flights';
import { LABEL_H, LabelSpace } from './labels';

/** Dots drawn at most at once (a traffic slice's sample can be larger). */
export const MAX_DOTS = 1500;
const LIT_MS = 700;
/** Hues a crowd of dots is drawn in (one fill each). */
const HUE_BUCKETS = 24;
/** Opacity of the dots of other connections while one is selected. */
const DIMMED = 0.25;

export interface MotionHandle {
  /** The packet whose dot is under a point of the flow's container (CSS pixels), if any. */
  hitTest(x: number, y: number): number | undefined;
  /** Test hook: the dots of the last frame, in the flow container's CSS pixels, with their conntrack entry (0: none). */
  dots(): { pkt: number; ct: number; x: number; y: number }[];
  /** Test and benchmark hook: flights in progress. */
  inFlight(): number;
  /** Benchmark hook: how long each recent frame's drawing took (ms), oldest first. */
  drawTimes(): number[];
  /** Benchmark hook: starts flights for a list of events as a batch would. */
  start(events: Parameters<typeof flightsOf>[0], windowMs: number): void;
}

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

interface Colours {
  hw: string;
  sw: string;
  miss: string;
  drop: string;
  text: string;
  surface: string;
  accent: string;
}

/**
 * The theme's colours as the canvas needs them. A custom property reads back as written (e.g.
 * `light-dark(#007d79, #08bdba)`), so each is resolved through a probe element's `color`.
 */
function readColours(el: HTMLElement): Colours {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  el.parentElement?.appendChild(probe);
  const v = (name: string, fallback: string) => {
    probe.style.color = `var(${name}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  };
  const c = { hw: v('--hw', '#007d79'), sw: v('--sw', '#6929c4'), miss: v('--miss', '#8e6a00'), drop: v('--drop', '#da1e28'), text: v('--text', '#16191d'), surface: v('--surface', '#ffffff'), accent: v('--accent', '#0b5cc7') };
  probe.remove();
  return c;
}

/**
 * What the theme's colours depend on: the page's theme and the system's scheme (`light-dark()`).
 * Reading them forces a style pass per colour, so they are read again only when this changes.
 */
function themeKey(): string {
  return `${document.documentElement.dataset.theme ?? ''}/${window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false}`;
}

export const MotionLayer = memo(function MotionLayer({ layout, handle }: { layout: Layout; handle: React.RefObject<MotionHandle | null> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  // The layout changes with every state the graph shows; flights in progress keep their places.
  const geo = useRef<Geometry>(new Geometry(layout));
  useEffect(() => {
    geo.current = new Geometry(layout);
  }, [layout]);

  useEffect(() => {
    const cv = canvas.current;
    if (!cv) return;
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    const steps = prefersReducedMotion();
    let flights: Flight[] = [];
    let dots: DotState[] = [];
    /** Positions of a crowd's dots per hue bucket (x, y, hw), reused frame to frame. */
    const crowd: number[][] = Array.from({ length: HUE_BUCKETS }, () => []);
    const lit = new Map<Element, number>();
    let colours = readColours(cv);
    let coloursFor = themeKey();
    let stop: (() => void) | null = null;
    let lastSeq = getLab().batch.seq;

    const root = () => store.getState().domNode;
    const light = (key: string, missed: boolean, until: number) => {
      const el = root()?.querySelector(`[data-hit="${CSS.escape(key)}"]`);
      if (!el) return;
      el.classList.add(missed ? 'hit-miss' : 'hit');
      lit.set(el, Math.max(until, lit.get(el) ?? 0));
    };

    // The canvas's size, kept by an observer: reading clientWidth in a frame after the page
    // changed would force a layout of the whole page in that frame.
    const box = { w: cv.clientWidth, h: cv.clientHeight };
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => Object.assign(box, { w: cv.clientWidth, h: cv.clientHeight })) : null;
    observer?.observe(cv);
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      const { w, h } = box;
      if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
        cv.width = Math.round(w * dpr);
        cv.height = Math.round(h * dpr);
      }
      return dpr;
    };

    const drawTimes: number[] = [];
    const draw = (now: number) => {
      const t0 = performance.now();
      paint(now);
      if (drawTimes.push(performance.now() - t0) > 600) drawTimes.shift();
    };
    const paint = (now: number) => {
      const dpr = resize();
      const [tx, ty, zoom] = store.getState().transform;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, cv.width, cv.height);
      dots = [];
      const many = flights.length > 40;
      const r = Math.max(3, Math.min(8, 6 * zoom));
      const chosen = getLab().selectedCt;
      const labels: Pending[] = [];
      for (const b of crowd) b.length = 0;
      for (const f of flights) {
        // Rows light up while packets can be told apart; a crowd would only restyle the page every frame.
        for (const p of newlyReached(f, now)) {
          if (many) continue;
          const missed = !!p.hop.missed || p.hop.kind === 'drop';
          // Lit while the dot is there and a moment after, however slow the speed.
          const until = now + Math.max(LIT_MS, (2 * f.dur) / f.points.length);
          light(p.hop.node, missed, until);
          if (p.hop.row) light(`${p.hop.node}#${p.hop.row}`, missed, until);
        }
        const d = dotAt(f, now, steps);
        if (!d || d.alpha <= 0) continue;
        dots.push(d);
        const x = tx + d.x * zoom;
        const y = ty + d.y * zoom;
        const mine = chosen !== undefined && d.ct === chosen;
        if (many && !d.dropped && !mine) {
          // A crowd is drawn a hue bucket at a time: one path and one fill per bucket.
          crowd[Math.floor((d.hue / 360) * HUE_BUCKETS) % HUE_BUCKETS].push(x, y, d.hw ? 1 : 0);
          continue;
        }
        const alpha = chosen === undefined || mine ? d.alpha : d.alpha * DIMMED;
        ctx.globalAlpha = alpha;
        ctx.fillStyle = `hsl(${d.hue} 75% 48%)`;
        ctx.strokeStyle = d.dropped ? colours.drop : d.hw ? colours.hw : colours.sw;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        shape(ctx, x, y, r, d.hw);
        ctx.fill();
        ctx.stroke();
        if (d.dropped) cross(ctx, x, y, r, colours.drop);
        if (mine) ring(ctx, x, y, r, colours.accent);
        if (!many || mine) labels.push({ x, y, d, alpha, rank: mine ? 0 : d.dropped ? 1 : d.hop.kind === 'resume' || d.badge ? 2 : 3 });
      }
      if (many) {
        ctx.globalAlpha = chosen === undefined ? 0.6 : 0.6 * DIMMED;
        crowd.forEach((b, i) => {
          if (b.length === 0) return;
          ctx.fillStyle = `hsl(${Math.round(((i + 0.5) * 360) / HUE_BUCKETS)} 75% 48%)`;
          ctx.beginPath();
          for (let k = 0; k < b.length; k += 3) shape(ctx, b[k], b[k + 1], r * 0.8, b[k + 2] === 1);
          ctx.fill();
        });
      }
      // Labels last, over every dot: the selected connection's, drops, and restore badges first.
      const space = new LabelSpace(box.w);
      for (const l of labels.sort((a, b) => a.rank - b.rank)) label(ctx, space, l, r, colours);
      ctx.globalAlpha = 1;
      for (const [el, until] of lit) {
        if (now < until) continue;
        el.classList.remove('hit', 'hit-miss');
        lit.delete(el);
      }
      flights = flights.filter((f) => now <= f.t0 + f.dur + f.linger);
      if (flights.length === 0 && lit.size === 0) {
        stop?.();
        stop = null;
        // Leave the last frame cleared.
        ctx.clearRect(0, 0, cv.width, cv.height);
      }
    };

    /** Starts the flights of a batch taken at `at` (now, unless the batch came before this layer). */
    const start = (events: Parameters<typeof flightsOf>[0], windowMs: number, at = performance.now()) => {
      if (themeKey() !== coloursFor) {
        colours = readColours(cv);
        coloursFor = themeKey();
      }
      flights = [...flights.filter((f) => f.points[f.points.length - 1].hop.kind !== 'drop'), ...flightsOf(events, geo.current, at, windowMs, MAX_DOTS)].slice(-MAX_DOTS);
      if (!stop && flights.length) stop = onTick((t) => draw(t));
    };

    const follow = (s: LabState, at?: number) => {
      if (s.batch.rewound || s.batch.events.length === 0) {
        flights = [];
        return;
      }
      // As fast as possible, the edges show rates (PipelineGraph) instead of dots.
      if (playingFast(s)) {
        flights = [];
        return;
      }
      start(s.batch.events, PACKET_MS / Math.min(s.speed, 100), at);
    };
    const unsubscribe = useLab.subscribe((s) => {
      if (s.batch.seq === lastSeq) return;
      lastSeq = s.batch.seq;
      follow(s);
    });
    // A batch taken before this layer was drawn (the graph loads lazily; a collapsed pipeline
    // opened again) still flies, its dots where they have got to by now.
    follow(getLab(), getLab().batch.at);
    handle.current = {
      hitTest(x, y) {
        const [tx, ty, zoom] = store.getState().transform;
        let best: DotState | undefined;
        let bestD = 12 * 12;
        for (const d of dots) {
          const dx = tx + d.x * zoom - x;
          const dy = ty + d.y * zoom - y;
          if (dx * dx + dy * dy < bestD) {
            bestD = dx * dx + dy * dy;
            best = d;
          }
        }
        return best?.pkt;
      },
      dots() {
        const [tx, ty, zoom] = store.getState().transform;
        return dots.map((d) => ({ pkt: d.pkt, ct: d.ct, x: tx + d.x * zoom, y: ty + d.y * zoom }));
      },
      inFlight: () => flights.length,
      drawTimes: () => [...drawTimes],
      start,
    };
    return () => {
      unsubscribe();
      observer?.disconnect();
      stop?.();
      for (const el of lit.keys()) el.classList.remove('hit', 'hit-miss');
      handle.current = null;
    };
  }, [store, handle]);

  return <canvas ref={canvas} className="motion-layer" aria-hidden="true" />;
});

/** Adds a dot's outline to the current path: a diamond in the NIC, a circle in the kernel. */
function shape(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, hw: boolean): void {
  if (hw) {
    const d = r * 1.3;
    ctx.moveTo(x, y - d);
    ctx.lineTo(x + d, y);
    ctx.lineTo(x, y + d);
    ctx.lineTo(x - d, y);
    ctx.closePath();
  } else {
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }
}

/** A drop: a cross over the dot where it stopped. */
function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, colour: string): void {
  const d = r * 1.6;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(x - d, y - d);
  ctx.lineTo(x + d, y + d);
  ctx.moveTo(x + d, y - d);
  ctx.lineTo(x - d, y + d);
  ctx.stroke();
}

/** The selected connection's dot: a ring around it. */
function ring(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, colour: string): void {
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(x, y, r * 1.9, 0, Math.PI * 2);
  ctx.stroke();
}

/** A dot's label waiting for its place: `rank` orders who gets room first. */
interface Pending {
  x: number;
  y: number;
  d: DotState;
  alpha: number;
  rank: number;
}

/**
 * The packet's id, and what it carries (a restore badge, NAT, its drop reason) beside it; only
 * the id when the whole text would cover another label, nothing when even that would.
 */
function label(ctx: CanvasRenderingContext2D, space: LabelSpace, l: Pending, r: number, c: Colours): void {
  const { d, alpha } = l;
  const id = `#${d.pkt}`;
  const whole = d.dropped ? `${id} dropped: ${d.hop.reason ?? ''}` : d.badge ? `${id} ${d.badge}` : id;
  ctx.font = '600 12px system-ui, sans-serif';
  let text = whole;
  let box = space.boxFor(l.x, l.y, r, ctx.measureText(text).width);
  if (!space.take(box)) {
    if (whole === id) return;
    text = id;
    box = space.boxFor(l.x, l.y, r, ctx.measureText(text).width);
    if (!space.take(box)) return;
  }
  ctx.fillStyle = c.surface;
  ctx.globalAlpha = Math.min(alpha, 0.9);
  ctx.fillRect(box.x, box.y, box.w, LABEL_H);
  ctx.globalAlpha = alpha;
  ctx.fillStyle = d.dropped ? c.drop : d.badge?.startsWith('restored') ? c.miss : c.text;
  ctx.fillText(text, box.x + 3, box.y + 12);
}
