/**
 * The conntrack table at the cursor (region "Conntrack table"): a virtualised grid over the
 * worker's entries, read in windows (sorting and filtering happen in the worker, so a million
 * entries cost the page the rows on screen). Each row: zone, protocol, the tuples with NAT
 * rewrites marked, state, flags, mark and label, counters (with nf_conntrack_acct) and three
 * countdowns — conntrack timeout, flowtable timeout, hardware aging — that flash when traffic
 * resets them. A row about to expire fades. Clicking a row selects its connection for the
 * graph, the flowtables and the inspector.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Answer, ConntrackFilterSpec, ConntrackRow, ConntrackSort, ConntrackSortKey, Query } from '../../worker/protocol';
import { useController } from '../session/context';
import { sameValue } from '../session/sameValue';
import { getLab, setLab, useLab } from '../session/store';
import { useNow } from '../session/useNow';
import { ConntrackFilters } from './ConntrackFilters';
import { covers, WINDOW, windowOffset } from './ctWindow';
import { countdownText, FLOW_HW_TEXT, resetTimers, rowCells, type TimerName } from './rowModel';
import { TupleCell } from './TupleCell';
import { rowIndices } from './rowWindow';
import { useRowWindow } from './useRowWindow';
import './tables.css';

const ROW_HEIGHT = 24;

interface Column {
  id: string;
  title: string;
  sort?: ConntrackSortKey;
  width: string;
  acct?: boolean;
}

const COLUMNS: Column[] = [
  { id: 'zone', title: 'Zone', sort: 'zone', width: '3.2rem' },
  { id: 'proto', title: 'Proto', sort: 'proto', width: '3.4rem' },
  { id: 'orig', title: 'Original', sort: 'src', width: '15rem' },
  { id: 'reply', title: 'Reply', sort: 'dst', width: '15rem' },
  { id: 'state', title: 'State', sort: 'state', width: '7rem' },
  { id: 'flags', title: 'Flags', width: '17.5rem' },
  { id: 'ct', title: 'Timeout', sort: 'timeout', width: '4.6rem' },
  { id: 'ft', title: 'Flowtable', width: '7.6rem' },
  { id: 'hw', title: 'HW aging', width: '5rem' },
  { id: 'mark', title: 'Mark', width: '3.6rem' },
  { id: 'label', title: 'Label', width: '5rem' },
  { id: 'packets', title: 'Packets o/r', sort: 'packets', width: '6.5rem', acct: true },
  { id: 'bytes', title: 'Bytes o/r', width: '7.5rem', acct: true },
];

interface Window {
  offset: number;
  rows: ConntrackRow[];
  total: number;
  /** The sort and filter the rows answer. */
  key: string;
  /** The state version the rows answer (data-version: benchmarks wait on it). */
  version: number;
}

/** Timers reset by the last window, per entry id, with a sequence so the flash restarts. */
type Resets = Map<number, { names: TimerName[]; seq: number }>;

export const ConntrackTable = memo(function ConntrackTable() {
  const c = useController();
  const version = useLab((s) => s.stateVersion);
  const ready = useLab((s) => s.status === 'ready');
  const selected = useLab((s) => s.selectedCt);
  const now = useNow();
  const [sort, setSort] = useState<ConntrackSort>({ key: 'age', dir: 'asc' });
  const [filter, setFilter] = useState<ConntrackFilterSpec>({});
  const [win, setWin] = useState<Window | null>(null);
  const [resets, setResets] = useState<Resets>(new Map());
  /** A window is on its way: the next is asked when it is in (one at a time). */
  const [asking, setAsking] = useState(false);
  const seen = useRef(new Map<number, ConntrackRow>());
  const resetSeq = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);
  const motion = useRef({ first: 0, dir: 1 });

  const total = win?.total ?? 0;
  // Rows have one height: the rows on screen follow from the scroll offset alone, whatever the count.
  const view = useRowWindow(scroller, total, ROW_HEIGHT, 4);
  const first = view.first;
  const last = Math.max(view.first, view.last);
  // The direction of the last scroll: the next window reaches ahead in it.
  if (first !== motion.current.first) motion.current = { first, dir: Math.sign(first - motion.current.first) };

  const key = JSON.stringify([sort, filter]);
  const keyNow = useRef(key);
  keyNow.current = key;
  const covered = win !== null && win.key === key && win.version === version && covers({ offset: win.offset, length: win.rows.length, total: win.total }, first, last);
  const offset = windowOffset(first, last, motion.current.dir);
  const query = useMemo(() => ({ ...windowQuery(sort, filter), offset }), [offset, sort, filter]);

  /** Takes a window in: the timers traffic reset since the previous read of each row flash. */
  const take = useCallback((a: Extract<Answer, { kind: 'conntrack' }>, v: number, k: string) => {
    if (k !== keyNow.current) return;
    const next: Resets = new Map();
    // A row read again unchanged is the object already on screen: its memoised row is not rendered again.
    const rows = a.rows.map((row) => {
      const prev = seen.current.get(row.id);
      if (prev && sameValue(prev, row)) return prev;
      const names = resetTimers(prev, row);
      if (names.length) next.set(row.id, { names, seq: ++resetSeq.current });
      seen.current.set(row.id, row);
      return row;
    });
    if (seen.current.size > 20_000) seen.current = new Map(rows.map((r) => [r.id, r]));
    setResets((old) => (next.size ? mergeResets(old, next, rows) : old));
    setWin((w) => (w && w.key === k && w.version > v ? w : { offset: a.offset, rows, total: a.total, key: k, version: v }));
  }, []);

  // The window on screen is re-read behind every move and shell line (it arrives with them).
  const winOffset = win?.offset ?? 0;
  const watchedQuery = useMemo((): Extract<Query, { kind: 'conntrack' }> => ({ ...windowQuery(sort, filter), offset: winOffset }), [sort, filter, winOffset]);
  useEffect(
    () =>
      c.watch({
        query: watchedQuery,
        deliver: (a, v) => {
          if (a.kind === 'conntrack') take(a, v, key);
        },
      }),
    [c, watchedQuery, key, take],
  );

  useEffect(() => {
    if (!ready || covered || asking) return;
    const asked = performance.now();
    const v = getLab().stateVersion;
    setAsking(true);
    void c.query(query).then((a) => {
      // The window's round trip, for `npm run bench:ui:tables` (a performance entry, no cost otherwise).
      performance.measure('ct-window', { start: asked });
      if (a) take(a, v, key);
      setAsking(false);
    });
  }, [c, ready, covered, asking, query, key, take]);

  const acct = useMemo(() => win?.rows.some((r) => r.packets !== null) ?? false, [win]);
  const columns = useMemo(() => (acct ? COLUMNS : COLUMNS.filter((col) => !col.acct)), [acct]);
  const template = columns.map((col) => col.width).join(' ');

  const onSort = (k: ConntrackSortKey) => setSort((s) => (s.key === k ? { key: k, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key: k, dir: 'asc' }));

  return (
    <div className="ct-view">
      <ConntrackFilters filter={filter} onChange={setFilter} total={total} />
      <div className="ct-scroll" ref={scroller} tabIndex={0} aria-label="Conntrack entries (scroll)">
        <div role="table" aria-label="Conntrack entries" aria-rowcount={total + 1} data-version={win?.version} className="ct-grid" style={{ ['--ct-columns' as string]: template }}>
          <div role="rowgroup" className="ct-head">
            <div role="row" className="ct-row" aria-rowindex={1}>
              {columns.map((col) => (
                <div key={col.id} role="columnheader" className="ct-cell" aria-sort={col.sort && sort.key === col.sort ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {col.sort ? (
                    <button type="button" className="ct-sort" onClick={() => onSort(col.sort!)} title={`Sort by ${col.title.toLowerCase()}`}>
                      {col.title}
                      {sort.key === col.sort ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </button>
                  ) : (
                    col.title
                  )}
                </div>
              ))}
            </div>
          </div>
          <div role="rowgroup" className="ct-body" style={{ height: view.height }}>
            {rowIndices(view).map((index) => {
              const row = win?.rows[index - win.offset];
              // Keyed by the connection: a row that stays on screen keeps its element (and its memo).
              return (
                <div key={row ? `c${row.id}` : `i${index}`} className="ct-slot" style={{ transform: `translateY(${index * ROW_HEIGHT - view.shift}px)` }}>
                  {row ? (
                    <Row row={row} now={now} columns={columns} index={index} selected={selected === row.id} reset={resets.get(row.id)} />
                  ) : (
                    <div role="row" className="ct-row ct-placeholder" aria-rowindex={index + 2}>
                      <div role="cell" className="ct-cell">…</div>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {ready && win && total === 0 && <p className="hint">{hasFilter(filter) ? 'No connection matches the filter.' : 'No connections tracked yet.'}</p>}
      </div>
    </div>
  );
});

function windowQuery(sort: ConntrackSort, filter: ConntrackFilterSpec): Extract<Query, { kind: 'conntrack' }> {
  return { kind: 'conntrack', offset: 0, limit: WINDOW, sort, ...(hasFilter(filter) ? { filter } : {}) };
}

function hasFilter(f: ConntrackFilterSpec): boolean {
  return Object.values(f).some((v) => v !== undefined && v !== '');
}

/** Keeps the flashes of rows still on screen, adds the new ones. */
function mergeResets(old: Resets, next: Resets, rows: ConntrackRow[]): Resets {
  const out: Resets = new Map();
  for (const r of rows) {
    const n = next.get(r.id) ?? old.get(r.id);
    if (n) out.set(r.id, n);
  }
  return out;
}

interface RowProps {
  row: ConntrackRow;
  now: number;
  columns: Column[];
  index: number;
  selected: boolean;
  reset?: { names: TimerName[]; seq: number };
}

const Row = memo(function Row({ row, now, columns, index, selected, reset }: RowProps) {
  const cells = rowCells(row, now);
  const t = cells.timers;
  const flashed = (name: TimerName) => (reset?.names.includes(name) ? `timer reset-flash` : 'timer');
  const timerKey = (name: TimerName) => (reset?.names.includes(name) ? `${name}-${reset.seq}` : name);
  const cell = (id: string) => {
    switch (id) {
      case 'zone':
        return cells.zone;
      case 'proto':
        return cells.proto;
      case 'orig':
        return <TupleCell tuple={cells.orig} />;
      case 'reply':
        return <TupleCell tuple={cells.reply} nat={cells.nat} />;
      case 'state':
        return cells.state;
      case 'flags':
        return cells.flags;
      case 'ct':
        return t.ct ? (
          <span key={timerKey('ct')} className={flashed('ct')} title={`conntrack timeout: expires at t = ${(t.ct.at / 1e6).toFixed(3)} s`}>
            {countdownText(t.ct)}
          </span>
        ) : (
          <span className="dim" title="The flowtable owns an [OFFLOAD] entry: conntrack's timeout is held a day ahead">
            —
          </span>
        );
      case 'ft':
        return t.ft ? (
          <span key={timerKey('ft')} className={flashed('ft')} title={`flowtable (zone ${row.flow!.zone}) timeout at t = ${(t.ft.at / 1e6).toFixed(3)} s`}>
            {countdownText(t.ft)} <span className={`hw-state hw-${row.flow!.hw}`}>{FLOW_HW_TEXT[row.flow!.hw]}</span>
          </span>
        ) : (
          ''
        );
      case 'hw':
        return t.hw ? (
          <span key={timerKey('hw')} className={flashed('hw')} title={`hardware CT entry last used ${(t.hwIdleUs! / 1e6).toFixed(3)} s ago; ages out at t = ${(t.hw.at / 1e6).toFixed(3)} s`}>
            {countdownText(t.hw)}
          </span>
        ) : (
          ''
        );
      case 'mark':
        return cells.mark;
      case 'label':
        return cells.label;
      case 'packets':
        return cells.packets;
      case 'bytes':
        return cells.bytes;
      default:
        return '';
    }
  };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-ct-id={row.id}
      className={`ct-row${selected ? ' selected' : ''}`}
      style={cells.opacity < 1 ? { opacity: cells.opacity } : undefined}
      title={row.text}
      onClick={() => setLab({ selectedCt: selected ? undefined : row.id })}
    >
      {columns.map((col) => (
        <div key={col.id} role="cell" className={`ct-cell ct-${col.id}`} data-col={col.id}>
          {cell(col.id)}
        </div>
      ))}
    </div>
  );
});
