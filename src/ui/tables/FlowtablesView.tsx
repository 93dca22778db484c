/**
 * The flowtables at the cursor (region "Flowtables"): one table per zone (act_ct keeps one
 * nf_flowtable per zone), each flow with its directions, its hardware state (pending, in
 * hardware, dying …), the countdown of its timeout and, with nf_conntrack_acct, its counters.
 * The selected connection's flow is highlighted; clicking a flow selects its connection.
 */
import { memo } from 'react';
import { setLab, useLab } from '../session/store';
import { useNow } from '../session/useNow';
import { useQuery } from '../session/useQuery';
import { countdownText, countersText, FLOW_HW_TEXT } from './rowModel';
import { TupleCell } from './TupleCell';
import './tables.css';

const LIMIT = 200;

export const FlowtablesView = memo(function FlowtablesView() {
  const answer = useQuery({ kind: 'flowtables', limit: LIMIT });
  const selected = useLab((s) => s.selectedCt);
  const now = useNow();
  if (!answer) return <p className="hint">Loading…</p>;
  if (answer.zones.length === 0) return <p className="hint">No flowtable yet: act_ct makes one per zone when a filter with `action ct` is added.</p>;
  return (
    <div className="ft-view">
      {answer.zones.map((z) => (
        <div key={z.zone} role="group" className="ft-zone" aria-label={`zone ${z.zone}`}>
          <h3>
            zone {z.zone}: {z.flows.toLocaleString('en')} {z.flows === 1 ? 'flow' : 'flows'}
          </h3>
          <DriverLine drivers={z.offloadedBy} />
          {z.rows.length > 0 && (
            <table className="mini-table">
              <thead>
                <tr>
                  <th scope="col">Flow (original)</th>
                  <th scope="col">Dir</th>
                  <th scope="col">Hardware</th>
                  <th scope="col">Timeout</th>
                  {z.rows[0].packets && <th scope="col">Packets o/r</th>}
                  {z.rows[0].bytes && <th scope="col">Bytes o/r</th>}
                </tr>
              </thead>
              <tbody>
                {z.rows.map((f) => (
                  <tr key={f.ctId} className={selected === f.ctId ? 'selected' : undefined} aria-selected={selected === f.ctId} onClick={() => setLab({ selectedCt: selected === f.ctId ? undefined : f.ctId })}>
                    <td className="mono">
                      <TupleCell tuple={f.orig} />
                    </td>
                    <td title={f.bidirectional ? 'both directions offered to hardware (NF_FLOW_HW_BIDIRECTIONAL)' : 'original direction only'}>{f.bidirectional ? '⇄' : '→'}</td>
                    <td>
                      <span className={`hw-state hw-${f.hw}`}>{FLOW_HW_TEXT[f.hw]}</span>
                    </td>
                    <td className="mono" title={`times out at t = ${(f.timeoutAt / 1e6).toFixed(3)} s`}>
                      {countdownText({ at: f.timeoutAt, leftUs: Math.max(0, f.timeoutAt - now) })}
                    </td>
                    {f.packets && <td className="mono">{countersText(f.packets)}</td>}
                    {f.bytes && <td className="mono">{countersText(f.bytes)}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {z.flows > z.rows.length && <p className="hint">and {(z.flows - z.rows.length).toLocaleString('en')} more (the conntrack table lists them all).</p>}
        </div>
      ))}
    </div>
  );
});

/** Which driver callbacks the zone's flowtable offloads through (nf_flow_table_offload_add_cb). */
function DriverLine({ drivers }: { drivers: readonly string[] }) {
  const text = drivers.length ? `offloaded by ${drivers.join(', ')}` : 'no driver registered (software only)';
  return (
    <p className="hint ft-driver" title={text}>
      {text}
    </p>
  );
}
