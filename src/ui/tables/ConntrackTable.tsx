/**
 * The conntrack table at the cursor: a window of rows read from the worker, one row per
 * entry with its zone, tuples, state, flags, mark and timeout, and its `conntrack -L` line.
 */
import { memo } from 'react';
import type { ConntrackRow } from '../../worker/protocol';
import { useQuery } from '../session/useQuery';
import { useLab } from '../session/store';
import { tupleText } from './cells';

const WINDOW = 200;

export const ConntrackTable = memo(function ConntrackTable() {
  const answer = useQuery({ kind: 'conntrack', offset: 0, limit: WINDOW });
  const now = useLab((s) => s.cursor.t);
  if (!answer) return <p className="hint">Loading…</p>;
  return (
    <div className="table-scroll" data-version={answer.version}>
      <table className="ct-table">
        <caption className="visually-hidden">Conntrack entries at the cursor ({answer.total})</caption>
        <thead>
          <tr>
            <th scope="col">Zone</th>
            <th scope="col">Proto</th>
            <th scope="col">State</th>
            <th scope="col">Original</th>
            <th scope="col">Reply</th>
            <th scope="col">Flags</th>
            <th scope="col">Mark</th>
            <th scope="col">Timeout</th>
          </tr>
        </thead>
        <tbody>
          {answer.rows.map((r) => (
            <Row key={r.id} row={r} now={now} />
          ))}
        </tbody>
      </table>
      {answer.total === 0 && <p className="hint">No connections tracked yet.</p>}
      {answer.total > answer.rows.length && <p className="hint">{answer.total - answer.rows.length} more entries not shown.</p>}
    </div>
  );
});

const Row = memo(function Row({ row, now }: { row: ConntrackRow; now: number }) {
  return (
    <tr title={row.text}>
      <td>{row.zone}</td>
      <td>{row.proto}</td>
      <td>{row.state}</td>
      <td className="mono">{tupleText(row.orig)}</td>
      <td className="mono">{tupleText(row.reply)}</td>
      <td className="mono">{row.flags.map((f) => `[${f}]`).join(' ')}</td>
      <td>{row.mark}</td>
      <td className="mono">{row.expiresAt === null ? 'flowtable' : `${Math.max(0, Math.floor((row.expiresAt - now) / 1_000_000))} s`}</td>
    </tr>
  );
});
