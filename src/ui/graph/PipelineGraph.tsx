/**
 * The "Pipeline" region: the configuration at the cursor drawn as a graph (layout.ts) with the
 * packets of the last move animated over it (motion/). Loaded lazily: the first screen does
 * not wait for xyflow.
 *
 * Nodes keep their identity while their data is unchanged, so memoised nodes re-render only
 * when a counter or a row of theirs changes. While fast-forwarding, the edges show packet
 * rates per path class from the batch's aggregates instead of single dots.
 *
 * A connection selected in a table (`selectedCt`) marks the table nodes that hold it
 * (selection.ts); the motion layer marks its packets' dots and dims the others.
 */
import { ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { format } from 'd3-format';
import type { PathBucket } from '../../worker/protocol';
import { MotionLayer, type MotionHandle } from '../motion/MotionLayer';
import { usePanelTools } from '../frame/panelTools';
import { playingFast, setLab, useLab } from '../session/store';
import { useQuery } from '../session/useQuery';
import { layoutPipeline, type EdgeKind, type LaidEdge, type LaidNode, type Layout } from './layout';
import { selectionMarks } from './selection';
import { edgeTypes, type LabelledEdge } from './edges';
import { handlesOf } from './handles';
import { nodeTypes, type GraphNode } from './nodes';
import { ratesOf, type Rates } from './rates';
import { useThrottled } from './useThrottled';
import { fitNodes, matchesPattern } from './viewport';
import './graph.css';

declare global {
  interface Window {
    /** Benchmark hook (with `?testhooks`): the motion layer of the graph. */
    __ctlabMotion?: MotionHandle | null;
  }
}

/** While fast-forwarding, counters and rates are redrawn at most this often. */
const FAST_REDRAW_MS = 250;

const HANDLES: Record<EdgeKind, [string, string]> = {
  in: ['r', 'l'],
  goto: ['r', 'l'],
  ct: ['r', 'l'],
  out: ['r', 'l'],
  miss: ['b', 't'],
};

/**
 * Reuses the previous node object when its geometry and data are unchanged (memoised nodes skip
 * rendering). `marks` are the selected connection's notes by node id (selection.ts).
 */
function useStableNodes(layout: Layout | null, marks: Record<string, string>): GraphNode[] {
  const cache = useRef(new Map<string, { key: string; node: GraphNode }>());
  return useMemo(() => {
    if (!layout) return [];
    const next = new Map<string, { key: string; node: GraphNode }>();
    const nodes = layout.nodes.map((n: LaidNode) => {
      const mark = marks[n.id];
      const key = JSON.stringify([n.x, n.y, n.w, n.h, n.data, mark]);
      const old = cache.current.get(n.id);
      const node: GraphNode =
        old && old.key === key
          ? old.node
          : {
              id: n.id,
              type: n.data.type,
              position: { x: n.x, y: n.y },
              width: n.w,
              height: n.h,
              style: { width: n.w, height: n.h },
              // Lanes are backgrounds without handles; every other node has the four of handles.ts.
              ...(n.data.type === 'lane' ? {} : { handles: handlesOf(n.w, n.h) }),
              data: (mark ? { ...n.data, mark } : n.data) as GraphNode['data'],
              draggable: false,
              connectable: false,
              selectable: n.data.type !== 'lane',
              focusable: n.data.type !== 'lane',
              zIndex: n.data.type === 'lane' ? -1 : 0,
              ariaLabel: ariaOf(n),
            };
      next.set(n.id, { key, node });
      return node;
    });
    cache.current = next;
    return nodes;
  }, [layout, marks]);
}

const NO_MARKS: Record<string, string> = {};

/** The connection selected in a table, as the graph marks it; its notes follow the state at the cursor. */
function useSelectionMarks(): Record<string, string> {
  const id = useLab((s) => s.selectedCt);
  const answer = useQuery(id === undefined ? null : { kind: 'conntrack', offset: 0, limit: 1, filter: { id } });
  const row = answer?.rows[0];
  return useMemo(() => (row && row.id === id ? selectionMarks(row) : NO_MARKS), [row, id]);
}

/** Marks the nodes a presenter's checkpoint is about (only those node objects change). */
function useFocusMarks(nodes: GraphNode[], patterns: readonly string[] | undefined): GraphNode[] {
  return useMemo(() => {
    if (!patterns?.length) return nodes;
    return nodes.map((n) => (patterns.some((p) => matchesPattern(n.id, p)) ? { ...n, className: 'in-focus' } : n));
  }, [nodes, patterns]);
}

function ariaOf(n: LaidNode): string {
  const d = n.data;
  switch (d.type) {
    case 'lane':
      return d.title;
    case 'port':
      return `port ${d.dev}`;
    case 'chain':
      return `${d.dev} ${d.hook} chain ${d.chain} (software)`;
    case 'hwchain':
      return `${d.dev} chain ${d.chain} (hardware table)`;
    case 'hwct':
      return 'hardware CT table';
    case 'flowtable':
      return `flowtable zone ${d.zone}`;
    case 'conntrack':
      return 'conntrack';
    case 'end':
      return d.title;
  }
}

// Two significant digits: a steady rate keeps its label.
const fmtRate = format('.2~s');

function edgesOf(layout: Layout | null, rates: Rates | null): LabelledEdge[] {
  if (!layout) return [];
  const labelled = new Set<string>();
  return layout.edges.map((e: LaidEdge) => {
    const [sourceHandle, targetHandle] = HANDLES[e.kind];
    const rate = rates ? rates.of(e) : 0;
    const first = rate > 0 && !labelled.has(e.kind + e.source.split(':')[0]);
    if (first) labelled.add(e.kind + e.source.split(':')[0]);
    const text = first ? `${fmtRate(rate)} pps` : undefined;
    return {
      id: e.id,
      type: 'labelled' as const,
      source: e.source,
      target: e.target,
      sourceHandle,
      targetHandle,
      className: `edge-${e.kind}`,
      focusable: false,
      selectable: false,
      ...(rates ? { style: { strokeWidth: rate > 0 ? 1.5 + Math.min(8, Math.log10(1 + rate)) : 1 } } : {}),
      data: text ? { text } : {},
    };
  });
}

function Graph() {
  const fast = useLab(playingFast);
  const answer = useThrottled(useQuery({ kind: 'pipeline' }), fast ? FAST_REDRAW_MS : 0);
  const layout = useMemo(() => (answer ? layoutPipeline(answer.pipeline) : null), [answer]);
  const marks = useSelectionMarks();
  const focus = useLab((s) => s.graphFocus);
  const nodes = useFocusMarks(useStableNodes(layout, marks), focus?.patterns);
  const rates = useRates();
  const edges = useMemo(() => edgesOf(layout, rates), [layout, rates]);
  const flow = useReactFlow();
  const motion = useRef<MotionHandle | null>(null);
  const shape = useMemo(() => (layout ? `${layout.width}x${layout.height} ${nodes.map((n) => n.id).join(' ')}` : ''), [layout, nodes]);

  const wrap = useRef<HTMLDivElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  // In the page, the legend and the zoom buttons sit in the Pipeline panel's header; in
  // presenter mode, in a bar over the graph's top edge.
  const headerSlot = usePanelTools();
  /**
   * The graph's box: the wrap, below the bar when the bar is over it (one row, or two when
   * narrow). With a focus (presenter mode), the focused nodes the layout has.
   */
  const viewportFor = useCallback(
    (l: Layout, el: HTMLElement) =>
      fitNodes(l, focus?.patterns ?? [], el.clientWidth, el.clientHeight, headerSlot ? 0 : (bar.current?.offsetTop ?? 0) + (bar.current?.offsetHeight ?? 0)),
    [focus, headerSlot],
  );
  const fitNow = useCallback(() => {
    const el = wrap.current;
    if (layout && el) void flow.setViewport(viewportFor(layout, el), { duration: 200 });
  }, [layout, flow, viewportFor]);
  // Fit the view when the set of nodes changes (a rule, a device, a zone added or removed),
  // from the layout's own extent: it needs no measured nodes.
  useEffect(() => {
    const el = wrap.current;
    if (!shape || !layout || !el) return;
    const fit = () => void flow.setViewport(viewportFor(layout, el), { duration: focus ? 300 : 0 });
    fit();
    // A panel resized or collapsed: fit again.
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(fit);
    });
    observer.observe(el);
    if (bar.current) observer.observe(bar.current);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
    // `shape` stands for the layout's structure: counters changing do not refit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, flow, focus, headerSlot]);

  useEffect(() => {
    if (new URLSearchParams(location.search).has('testhooks')) window.__ctlabMotion = motion.current;
  });

  const onClickCapture = useCallback((ev: React.MouseEvent<HTMLDivElement>) => {
    const box = ev.currentTarget.getBoundingClientRect();
    const pkt = motion.current?.hitTest(ev.clientX - box.left, ev.clientY - box.top);
    if (pkt !== undefined) {
      ev.stopPropagation();
      setLab({ selectedPkt: pkt });
    }
  }, []);

  if (!layout) return <p className="hint">Loading the pipeline…</p>;
  const toolsBar = (
    <div className={`graph-bar${headerSlot ? ' in-header' : ''}`} ref={bar}>
      <Legend />
      <GraphTools marks={marks} onFit={fitNow} />
    </div>
  );
  return (
    <div className="graph-wrap" ref={wrap} onClickCapture={onClickCapture}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        minZoom={0.05}
        maxZoom={2.5}
        proOptions={{ hideAttribution: true }}
        onlyRenderVisibleElements={nodes.length > 200}
        aria-label="Pipeline graph"
      >
        <MotionLayer layout={layout} handle={motion} />
      </ReactFlow>
      {headerSlot ? createPortal(toolsBar, headerSlot) : toolsBar}
    </div>
  );
}

/** Rates per path class while fast-forwarding; null otherwise (dots instead). */
function useRates(): Rates | null {
  const fast = useLab(playingFast);
  const paths = useThrottled(
    useLab((s) => s.batch.paths),
    FAST_REDRAW_MS,
  );
  const [last, setLast] = useState<PathBucket[]>([]);
  useEffect(() => {
    if (paths.length) setLast(paths);
  }, [paths]);
  return useMemo(() => (fast && last.length ? ratesOf(last) : null), [fast, last]);
}

const GraphTools = memo(function GraphTools({ marks, onFit }: { marks: Record<string, string>; onFit: () => void }) {
  const flow = useReactFlow();
  const toSelection = () => {
    // A node clicked in the graph, else the tables holding the connection selected in a table.
    const clicked = flow.getNodes().filter((n) => n.selected);
    const selected = clicked.length ? clicked : flow.getNodes().filter((n) => n.id in marks);
    void flow.fitView({ nodes: selected.length ? selected : undefined, padding: 0.2, duration: 200 });
  };
  return (
    <div className="graph-tools">
      <button type="button" onClick={onFit}>
        Zoom to fit
      </button>
      <button type="button" onClick={toSelection}>
        Zoom to selection
      </button>
    </div>
  );
});

const Legend = memo(function Legend() {
  return (
    <div className="graph-legend" aria-label="Legend">
      <span>
        <i className="dot-hw" /> in the NIC
      </span>
      <span>
        <i className="dot-sw" /> in the kernel
      </span>
      <span>
        <i className="dot-drop" /> dropped
      </span>
      <span>
        <i className="edge-key-miss" /> miss to software
      </span>
      <span className="legend-note">colour = connection · click a dot</span>
    </div>
  );
});

export default function PipelineGraph() {
  const ready = useLab((s) => s.status !== 'loading' || s.stateVersion > 0);
  if (!ready) return <p className="hint">Loading the pipeline…</p>;
  return (
    <ReactFlowProvider>
      <Graph />
    </ReactFlowProvider>
  );
}
