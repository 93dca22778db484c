/**
 * The "Inspector" region: the event list (a row per packet, filterable by connection, device,
 * verdict and path class, with the count of each class) beside "Packet N", the selected
 * packet's whole journey step by step. Selection is shared: a dot on the graph, a row here,
 * or any view that sets `selectedPkt`. Without a selection it follows the last packet moved,
 * except while playing as fast as possible: a journey replaced with every batch (60 a second)
 * cannot be read, and laying it out cost the fast-forward its longest frames.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { PATH_NAMES, type PathClassName } from '../../engine/path';
import type { PacketFilterSpec, PacketRow } from '../../worker/protocol';
import { sameValue } from '../session/sameValue';
import { playingFast, setLab, useLab } from '../session/store';
import { useQuery } from '../session/useQuery';
import { LIST_CAP, listWindow } from './listWindow';
import { journeySteps, type InspectorStep, type RuleText } from './steps';
import './inspector.css';

/** A row's height until one is laid out (the CSS sets it: two lines, three in a narrow list). */
const ROW_HEIGHT_GUESS = 37;

export const PATH_LABELS: Record<PathClassName, string> = {
  software: 'software only',
  hardware: 'hardware only',
  miss: 'hardware miss → software',
  dropped: 'dropped',
};

export const Inspector = memo(function Inspector() {
  return (
    <div className="inspector">
      <EventList />
      <PacketDetail />
    </div>
  );
});

function EventList() {
  const [filter, setFilter] = useState<PacketFilterSpec>({});
  const view = useListViewport(filter);
  // The window is placed with the last answer's total (it only matters once scrolled past the end).
  const total = useRef(0);
  const win = listWindow(view.scrollTop, view.height, view.rowHeight, total.current);
  const answer = useQuery({ kind: 'packets', offset: win.offset, limit: win.limit, filter });
  total.current = answer?.total ?? 0;
  const listed = Math.min(total.current, LIST_CAP);
  const hasRows = !!answer?.rows.length;
  useEffect(view.watchRow, [view.watchRow, hasRows]);
  const selected = useLab((s) => s.selectedPkt);
  useConnectionSelection(filter, setFilter, answer?.rows);
  const settings = useQuery({ kind: 'settings' });
  const set = (patch: Partial<PacketFilterSpec>) => {
    const next: PacketFilterSpec = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof PacketFilterSpec)[]) if (next[k] === undefined || next[k] === '') delete next[k];
    setFilter(next);
  };
  return (
    <section className="event-list" aria-label="Event list">
      <div className="event-filters">
        <div role="group" aria-label="Path class" className="path-classes">
          <button type="button" aria-pressed={filter.path === undefined} onClick={() => set({ path: undefined })}>
            all {answer ? Object.values(answer.counts).reduce((a, b) => a + b, 0) : ''}
          </button>
          {PATH_NAMES.map((p) => (
            <button key={p} type="button" className={`pc-${p}`} aria-pressed={filter.path === p} onClick={() => set({ path: filter.path === p ? undefined : p })}>
              {PATH_LABELS[p]} {answer?.counts[p] ?? ''}
            </button>
          ))}
        </div>
        <label>
          Device{' '}
          <select value={filter.dev ?? ''} onChange={(e) => set({ dev: e.target.value || undefined })}>
            <option value="">any</option>
            {settings?.devices.map((d) => (
              <option key={d.name}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          Verdict{' '}
          <select value={filter.verdict ?? ''} onChange={(e) => set({ verdict: (e.target.value || undefined) as PacketFilterSpec['verdict'] })}>
            <option value="">any</option>
            <option value="deliver">delivered</option>
            <option value="drop">dropped</option>
          </select>
        </label>
        <label>
          Connection{' '}
          <input
            type="number"
            min={1}
            placeholder="ct id"
            value={filter.ct ?? ''}
            onChange={(e) => set({ ct: e.target.value ? Number(e.target.value) : undefined })}
            aria-label="Connection (conntrack entry id)"
          />
        </label>
      </div>
      <div className="event-rows" role="table" aria-label="Packets" aria-rowcount={listed} ref={view.ref} onScroll={view.onScroll}>
        {/* Room for every listed row; only the window's rows are in the page, placed at their offset. */}
        <div className="event-sizer" style={{ height: listed * view.rowHeight }}>
          <div role="rowgroup" style={{ transform: `translateY(${(answer?.offset ?? 0) * view.rowHeight}px)` }}>
            {answer?.rows.map((r, i) => <EventRow key={r.pkt} row={r} index={answer.offset + i + 1} selected={r.pkt === selected} />)}
          </div>
        </div>
        {answer && answer.total === 0 && <p className="hint">No packets{Object.keys(filter).length ? ' match the filter' : ' at the cursor yet'}.</p>}
        {answer && answer.total > listed && <p className="hint">{answer.total - listed} more packets not listed: narrow the filter.</p>}
      </div>
    </section>
  );
}

/**
 * A connection selected elsewhere (a conntrack row: `selectedCt`) filters the list to its
 * packets and shows the last of them listed.
 */
function useConnectionSelection(filter: PacketFilterSpec, setFilter: (f: PacketFilterSpec) => void, rows: PacketRow[] | undefined): void {
  const ct = useLab((s) => s.selectedCt);
  const pending = useRef(false);
  useEffect(() => {
    if (ct === undefined) return;
    pending.current = true;
    setFilter({ ...filter, ct });
    // Only a new selection refilters; the user's later filter changes stay.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ct]);
  useEffect(() => {
    // Wait for the filtered answer (the previous one stays on screen until it comes).
    if (!pending.current || ct === undefined || filter.ct !== ct || !rows?.length || rows.some((r) => r.ct !== ct)) return;
    pending.current = false;
    const last = rows[rows.length - 1];
    if (last) setLab({ selectedPkt: last.pkt });
  }, [ct, filter.ct, rows]);
}

const EventRow = memo(function EventRow({ row, index, selected }: { row: PacketRow; index: number; selected: boolean }) {
  return (
    <div
      role="row"
      aria-rowindex={index}
      aria-label={`Packet ${row.pkt}: ${row.summary}`}
      aria-selected={selected}
      tabIndex={0}
      className={`event-row pc-${row.path}${selected ? ' selected' : ''}`}
      onClick={() => setLab({ selectedPkt: row.pkt })}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          setLab({ selectedPkt: row.pkt });
        }
      }}
    >
      <span role="cell" className="ev-id">
        #{row.pkt}
      </span>
      <span role="cell" className="ev-dev">
        {row.dev}
      </span>
      <span role="cell" className="ev-summary">
        {row.summary}
      </span>
      <span role="cell" className="ev-path">
        {PATH_LABELS[row.path]}
      </span>
      <span role="cell" className={`ev-end ${row.verdict}`}>
        {row.verdict === 'drop' ? `✕ ${row.end}` : row.end}
      </span>
    </div>
  );
},
// A packet's row never changes once listed: a new window of the same rows renders nothing.
(a, b) => a.row.pkt === b.row.pkt && a.index === b.index && a.selected === b.selected);

/**
 * The list's scroll offset, viewport height and row height (every row has the CSS height of
 * the first: read once per resize, never per row). Both are read by a ResizeObserver, which
 * runs after the browser's own layout: read as rows arrive, they forced one in the middle of a
 * batch's render. A new filter starts at the top.
 */
function useListViewport(filter: PacketFilterSpec) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [size, setSize] = useState({ height: 0, rowHeight: ROW_HEIGHT_GUESS });
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const height = el.clientHeight;
      // No row on screen (an empty list): the last height read stands.
      const rowHeight = el.querySelector<HTMLElement>('[role="row"]')?.offsetHeight;
      setSize((old) => {
        const next = { height, rowHeight: rowHeight || old.rowHeight };
        return next.height === old.height && next.rowHeight === old.rowHeight ? old : next;
      });
    };
    // A resize can also change the rows' height (a narrow list's rows take three lines).
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    observer.current = ro;
    return () => ro.disconnect();
  }, []);
  /** Observes the list's first row, so its height is read once it is laid out. */
  const watchRow = useCallback(() => {
    const row = ref.current?.querySelector('[role="row"]');
    if (row) observer.current?.observe(row);
  }, []);
  const key = JSON.stringify(filter);
  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setScrollTop(0);
  }, [key]);
  return { ref, scrollTop, ...size, watchRow, onScroll: (e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop) };
}

/**
 * Event stepping: how many of the packet's events the cursor has reached when it is the
 * packet of the cursor's step (the rest are dimmed); all of them otherwise.
 */
function useEventsShown(pkt: number | undefined): number {
  return useLab((s) => {
    const { eventsShown, eventsInStep } = s.cursor;
    if (pkt === undefined || eventsShown >= eventsInStep) return Infinity;
    const step = s.batch.events.slice(Math.max(0, s.batch.events.length - eventsInStep));
    if (!step.some((e) => e.pkt === pkt)) return Infinity;
    let n = 0;
    for (let i = 0; i < eventsShown; i++) if (step[i].pkt === pkt) n++;
    return n;
  });
}

/**
 * The packet shown: the selection, else the last packet of the last move — none while playing
 * as fast as possible (`fast`), until playback stops.
 */
function useShownPacket(): { pkt: number | undefined; fast: boolean } {
  const selected = useLab((s) => s.selectedPkt);
  const fast = useLab(playingFast);
  const last = useLab((s) => {
    // Not followed while fast: the selector would change, and render the inspector, with every batch.
    if (playingFast(s)) return undefined;
    const ev = s.batch.events;
    for (let i = ev.length - 1; i >= 0; i--) if (ev[i].pkt !== 0) return ev[i].pkt;
    return undefined;
  });
  return { pkt: selected ?? last, fast };
}

function PacketDetail() {
  const { pkt, fast } = useShownPacket();
  const journey = useQuery(pkt !== undefined ? { kind: 'journey', pkt } : null);
  const pipeline = useQuery({ kind: 'pipeline' });
  const ruleText = useMemo<RuleText>(() => {
    const rules = new Map<string, string>();
    for (const h of pipeline?.pipeline.hooks ?? [])
      for (const c of h.chains) for (const f of c.filters) rules.set(`${h.dev}/${f.chain}/${f.prio}/${f.handle}`, `${f.match || '(any)'} → ${f.actions.join(', ')}`);
    return (dev, chain, prio, handle) => rules.get(`${dev}/${chain}/${prio}/${handle}`);
  }, [pipeline]);
  // The journey on screen stays, title and steps together, until the next packet's arrives:
  // emptying the list in between would lay out and paint every step twice per packet.
  const steps = useMemo(() => (journey ? journeySteps(journey.events, ruleText) : []), [journey, ruleText]);
  const shownPkt = journey?.pkt ?? pkt;
  const shown = useEventsShown(shownPkt);
  if (pkt === undefined)
    return (
      <p className="hint packet-detail">
        {fast ? 'Playing as fast as possible: the last packet’s journey shows when playback stops (click a row to see one now).' : 'Click a packet (a dot on the graph or a row of the list) to see its journey.'}
      </p>
    );
  const row = journey?.row;
  return (
    <article className="packet-detail" aria-label={`Packet ${shownPkt}`}>
      <h3>
        Packet {shownPkt}
        {row && <span className={`path-tag pc-${row.path}`}>{PATH_LABELS[row.path]}</span>}
      </h3>
      {row && <p className="mono small">{row.summary}</p>}
      {journey && journey.events.length === 0 && <p className="hint">This packet’s events are no longer kept (only the first events of a long run are).</p>}
      <ol className="journey">
        {steps.map((s, i) => (
          <Step key={i} s={s} dim={s.event >= shown} />
        ))}
      </ol>
    </article>
  );
}

const Step = memo(function Step({ s, dim }: { s: InspectorStep; dim: boolean }) {
  return (
    <li className={`jstep tone-${s.tone}${dim ? ' dim' : ''}`}>
      <div className="jstep-head">
        <span className="jplace">{s.place}</span> <span className="jwhat">{s.what}</span>
        {s.verdict && <span className="jverdict">{s.verdict}</span>}
      </div>
      {s.failed && s.failed.length > 0 && <div className="jfailed">keys that did not match: {s.failed.join(', ')}</div>}
      {s.nat && <div className="jnat">NAT {s.nat}</div>}
      {s.meta && <div className="jmeta">skb: {s.meta}</div>}
      <div className="jmech">{s.mechanism}</div>
    </li>
  );
},
// The next packet's journey often repeats this one's steps (the same path through the same
// rules): a step that reads the same is left in the page.
(a, b) => a.dim === b.dim && sameValue(a.s, b.s));
