/**
 * The region "Charts" (d3 scales and shapes over the worker's aggregates up to the cursor, so
 * they follow it and rewind with it): packet rate over virtual time by path class (software,
 * hardware, miss → software, dropped), the path-class mix, conntrack / flowtable / hardware CT
 * occupancy, the offload queue depth, and the talk's §8 comparison from the throughput model.
 * Hovering a chart reads out the values under the pointer.
 */
import { max } from 'd3-array';
import { scaleBand, scaleLinear } from 'd3-scale';
import { line, stack } from 'd3-shape';
import { createContext, memo, useContext, useEffect, useRef, useState, type MouseEvent } from 'react';
import type { SeriesView, ThroughputView } from '../../worker/protocol';
import { useQuery } from '../session/useQuery';
import { chartWidth, mix, occupancy, PATHS, ppsText, rates, sliceAt, throughputBars, type OccupancyPoint, type RatePoint } from './chartData';
import './charts.css';

const BUCKETS = 40;
const H = 110;
const DEFAULT_WIDTH = 320;
/** The drawing width of each chart (user units = CSS pixels). */
const ChartWidth = createContext(DEFAULT_WIDTH);

/**
 * Follows the charts container's width: null while the container is not drawn (the Charts
 * panel collapsed hides its body with `display: none`, which gives it no width).
 */
function useChartWidth(): [React.RefObject<HTMLDivElement | null>, number | null] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const follow = () => setW(el.clientWidth > 0 ? chartWidth(el.clientWidth) : null);
    follow();
    const observer = new ResizeObserver(follow);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, w];
}
// The left margin holds the widest y label, "999 kpps", at the axis font size (charts.css).
const M = { top: 6, right: 8, bottom: 16, left: 56 };
const COLOURS: Record<string, string> = { software: 'var(--sw, #6929c4)', hardware: 'var(--hw, #007d79)', miss: 'var(--miss, #8e6a00)', dropped: 'var(--drop, #da1e28)', conntrack: 'var(--sw, #6929c4)', flows: 'var(--accent, #0b5cc7)', hwCt: 'var(--hw, #007d79)', queue: 'var(--miss, #8e6a00)' };
const count = (n: number) => Math.round(n).toLocaleString('en');

export const ChartsView = memo(function ChartsView() {
  const [ref, width] = useChartWidth();
  // Collapsed, the charts ask nothing (the worker does not build the series) and so do not
  // render with every move; opened, they ask for the state at the cursor.
  const shown = width !== null;
  const series = useQuery(shown ? { kind: 'series', buckets: BUCKETS } : null);
  const tp = useQuery(shown ? { kind: 'throughput' } : null);
  return (
    <div className="charts" ref={ref}>
      <ChartWidth.Provider value={width ?? DEFAULT_WIDTH}>{series && tp ? <Charts series={series.series} tp={tp.figures} /> : <p className="hint">Loading…</p>}</ChartWidth.Provider>
    </div>
  );
});

function Charts({ series, tp }: { series: SeriesView; tp: ThroughputView }) {
  const r = rates(series);
  const occ = occupancy(series);
  return (
    <>
      <RateChart points={r} />
      <MixBar series={mix(series)} />
      <OccupancyChart points={occ} capacity={series.hwCapacity} keys={['conntrack', 'flows', 'hwCt']} title="Table occupancy" labels={{ conntrack: 'conntrack', flows: 'flowtable flows', hwCt: 'hardware CT' }} />
      <OccupancyChart points={occ} keys={['queue']} title="Offload queue depth (deepest per slice)" labels={{ queue: 'pending adds, deletes, stats' }} />
      <ThroughputChart bars={throughputBars(tp)} connections={tp.connections} />
    </>
  );
}

/** Index of the slice under the pointer, from the x scale's inverse. */
function useHover(): [number | null, (e: MouseEvent<SVGSVGElement>, invert: (x: number) => number) => void, () => void] {
  const [hover, setHover] = useState<number | null>(null);
  const W = useContext(ChartWidth);
  const move = (e: MouseEvent<SVGSVGElement>, invert: (x: number) => number) => {
    const box = e.currentTarget.getBoundingClientRect();
    setHover(invert(((e.clientX - box.left) / box.width) * W));
  };
  return [hover, move, () => setHover(null)];
}

function Axis({ y, x0, x1, yMax, unit }: { y: (v: number) => number; x0: number; x1: number; yMax: number; unit: (v: number) => string }) {
  const W = useContext(ChartWidth);
  return (
    <g className="axis">
      <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
      <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
      <text x={M.left - 3} y={y(yMax) + 4} textAnchor="end">
        {unit(yMax)}
      </text>
      <text x={M.left - 3} y={H - M.bottom} textAnchor="end">
        0
      </text>
      <text x={M.left} y={H - 3}>
        {x0.toFixed(1)} s
      </text>
      <text x={W - M.right} y={H - 3} textAnchor="end">
        {x1.toFixed(1)} s
      </text>
    </g>
  );
}

function RateChart({ points }: { points: RatePoint[] }) {
  const [hover, move, leave] = useHover();
  const W = useContext(ChartWidth);
  const t1 = points.length ? points[points.length - 1].t1 : 1;
  const x = scaleLinear().domain([0, t1]).range([M.left, W - M.right]);
  const layers = stack<RatePoint>().keys(PATHS)(points);
  const yMax = Math.max(1, max(layers[layers.length - 1] ?? [], (d) => d[1]) ?? 1);
  const y = scaleLinear().domain([0, yMax]).range([H - M.bottom, M.top]).nice();
  const i = hover === null ? -1 : sliceAt(points, hover);
  const p = i >= 0 ? points[i] : null;
  return (
    <figure className="chart" aria-label="Packet rate by path">
      <figcaption>Packet rate by path (per second of virtual time)</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Packet rate: software, hardware, miss, dropped" onMouseMove={(e) => move(e, (v) => x.invert(v))} onMouseLeave={leave}>
        {/* Stacked bars, one per slice of virtual time: packets come in bursts, a line between them would invent traffic. */}
        {layers.map((layer) => (
          <g key={layer.key} fill={COLOURS[layer.key]}>
            {layer.map((d, j) =>
              d[1] > d[0] ? <rect key={j} x={x(d.data.t0)} y={y(d[1])} width={Math.max(1, x(d.data.t1) - x(d.data.t0) - 0.5)} height={y(d[0]) - y(d[1])} /> : null,
            )}
          </g>
        ))}
        <Axis y={y} x0={0} x1={t1} yMax={y.domain()[1]} unit={ppsText} />
        {p && <line className="hover-rule" x1={x((p.t0 + p.t1) / 2)} x2={x((p.t0 + p.t1) / 2)} y1={M.top} y2={H - M.bottom} />}
      </svg>
      <Legend keys={PATHS} />
      <p className="readout" aria-live="polite">
        {p ? `${p.t0.toFixed(2)}–${p.t1.toFixed(2)} s: software ${ppsText(p.software)}, hardware ${ppsText(p.hardware)}, miss ${ppsText(p.miss)}, dropped ${ppsText(p.dropped)}` : 'Hover for values.'}
      </p>
    </figure>
  );
}

function MixBar({ series }: { series: ReturnType<typeof mix> }) {
  const [hover, setHover] = useState<string | null>(null);
  const W = useContext(ChartWidth);
  let at = 0;
  const h = series.find((s) => s.name === hover);
  return (
    <figure className="chart" aria-label="Path mix">
      <figcaption>Path mix (all packets so far)</figcaption>
      <svg viewBox={`0 0 ${W} 18`} role="img" aria-label={series.map((s) => `${s.name} ${count(s.packets)}`).join(', ')} onMouseLeave={() => setHover(null)}>
        {series.map((s) => {
          const x0 = at;
          at += s.share * W;
          return s.share > 0 ? <rect key={s.name} x={x0} y={0} width={s.share * W} height={18} fill={COLOURS[s.name]} onMouseEnter={() => setHover(s.name)} /> : null;
        })}
        {at === 0 && <rect x={0} y={0} width={W} height={18} className="empty" />}
      </svg>
      <p className="readout">{h ? `${h.name}: ${count(h.packets)} packets (${(h.share * 100).toFixed(1)}%)` : series.map((s) => `${s.name} ${count(s.packets)}`).join(' · ')}</p>
    </figure>
  );
}

type OccKey = 'conntrack' | 'flows' | 'hwCt' | 'queue';

function OccupancyChart({ points, keys, title, labels, capacity }: { points: OccupancyPoint[]; keys: OccKey[]; title: string; labels: Partial<Record<OccKey, string>>; capacity?: number }) {
  const [hover, move, leave] = useHover();
  const W = useContext(ChartWidth);
  const t1 = points.length ? points[points.length - 1].t : 1;
  const x = scaleLinear().domain([0, t1]).range([M.left, W - M.right]);
  const top = Math.max(1, ...keys.map((k) => max(points, (p) => p[k]) ?? 0));
  // The hardware capacity is drawn when it is near the data (a small `sim nic-capacity`).
  const showCap = capacity !== undefined && capacity > 0 && capacity <= top * 4;
  const y = scaleLinear()
    .domain([0, showCap ? Math.max(top, capacity!) : top])
    .range([H - M.bottom, M.top])
    .nice();
  const pathOf = (k: OccKey) =>
    line<OccupancyPoint>()
      .x((p) => x(p.t))
      .y((p) => y(p[k]))(points) ?? '';
  let i = -1;
  if (hover !== null && points.length) {
    i = 0;
    while (i < points.length - 1 && points[i].t < hover) i++;
  }
  const p = i >= 0 ? points[i] : null;
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} onMouseMove={(e) => move(e, (v) => x.invert(v))} onMouseLeave={leave}>
        {showCap && <line className="capacity" x1={M.left} x2={W - M.right} y1={y(capacity!)} y2={y(capacity!)} />}
        {keys.map((k) => (
          <path key={k} d={pathOf(k)} fill="none" stroke={COLOURS[k]} strokeWidth={1.8} strokeDasharray={k === 'flows' ? '5 3' : k === 'hwCt' ? '2 2' : undefined} />
        ))}
        <Axis y={y} x0={0} x1={t1} yMax={y.domain()[1]} unit={count} />
        {p && <line className="hover-rule" x1={x(p.t)} x2={x(p.t)} y1={M.top} y2={H - M.bottom} />}
      </svg>
      <Legend keys={keys} labels={labels} extra={showCap ? `capacity ${count(capacity!)}` : undefined} />
      <p className="readout">{p ? `${p.t.toFixed(2)} s: ${keys.map((k) => `${labels[k]} ${count(p[k])}`).join(', ')}` : 'Hover for values.'}</p>
    </figure>
  );
}

function ThroughputChart({ bars, connections }: { bars: ReturnType<typeof throughputBars>; connections: number }) {
  const [hover, setHover] = useState<number | null>(null);
  const W = useContext(ChartWidth);
  const bh = 64;
  const y = scaleBand<string>()
    .domain(bars.map((b) => b.label))
    .range([0, bh])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, max(bars, (b) => b.pps) ?? 1])
    .range([0, Math.max(24, W - 140)]);
  const b = hover === null ? null : bars[hover];
  return (
    <figure className="chart" aria-label="Throughput model">
      <figcaption>
        §8: modelled forwarding rate at {count(connections)} {connections === 1 ? 'connection' : 'connections'}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${bh}`} role="img" aria-label={bars.map((bar) => `${bar.label} ${ppsText(bar.pps)}`).join(', ')} onMouseLeave={() => setHover(null)}>
        {bars.map((bar, i) => (
          <g key={bar.label} onMouseEnter={() => setHover(i)}>
            <text x={0} y={y(bar.label)! + y.bandwidth() / 2 + 4} className="bar-label">
              {bar.label}
            </text>
            <rect x={72} y={y(bar.label)} width={Math.max(1, x(bar.pps))} height={y.bandwidth()} fill={i === 0 ? COLOURS.software : i === 2 ? COLOURS.hardware : 'var(--accent, #0b5cc7)'} />
            <text x={76 + x(bar.pps)} y={y(bar.label)! + y.bandwidth() / 2 + 4} className="bar-value">
              {ppsText(bar.pps)}
            </text>
          </g>
        ))}
      </svg>
      <p className="readout">{b ? `${b.label}: ${ppsText(b.pps)} — ${b.note}` : 'Hover a bar for how it is modelled (sim show throughput).'}</p>
    </figure>
  );
}

function Legend({ keys, labels, extra }: { keys: readonly string[]; labels?: Partial<Record<string, string>>; extra?: string }) {
  return (
    <p className="legend">
      {keys.map((k) => (
        <span key={k}>
          <i style={{ background: COLOURS[k] }} /> {labels?.[k] ?? k}
        </span>
      ))}
      {extra && <span className="capacity-key">┄ {extra}</span>}
    </p>
  );
}
