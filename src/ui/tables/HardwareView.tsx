/**
 * The NIC at the cursor (region "Hardware"): the hw-tc-offload state of each port, the
 * per-chain hardware tables with the rules the driver accepted, the CT table's occupancy
 * against its capacity, the offload work queue (pending adds, deletes, stats requests;
 * insertion rate), refusals by reason with the driver's insertion attempts, injected faults,
 * and the packets hardware and software handled.
 */
import { memo } from 'react';
import { useLab } from '../session/store';
import { useNow } from '../session/useNow';
import { useQuery } from '../session/useQuery';
import { countdownText, rowTimers } from './rowModel';
import { tupleText } from './cells';
import './tables.css';

const n = (x: number) => x.toLocaleString('en');

export const HardwareView = memo(function HardwareView() {
  const answer = useQuery({ kind: 'hardware' });
  if (!answer) return <p className="hint">Loading…</p>;
  const nic = answer.nic;
  const used = nic.ct.capacity ? nic.ct.connections / nic.ct.capacity : 0;
  const refused = nic.driver.refusedFull + nic.driver.refusedFault + nic.driver.refusedOther;
  return (
    <div className="hw-view">
      <p className="hw-ports">
        {nic.ports.map((p) => (
          <span key={p.name} className={`port ${p.hwTcOffload ? 'on' : 'off'}`} title={`ethtool -K ${p.name} hw-tc-offload ${p.hwTcOffload ? 'on' : 'off'}`}>
            {p.name} {p.hwTcOffload ? 'on' : 'off'}
          </span>
        ))}
        <span className="hint"> kernel {nic.profile}</span>
      </p>
      <dl className="hw-figures">
        <dt>CT table</dt>
        <dd>
          <meter min={0} max={1} value={used} aria-label="CT table occupancy" /> {n(nic.ct.connections)} / {n(nic.ct.capacity)} connections ({n(nic.ct.entries)} entries), [HW_OFFLOAD] {n(nic.ct.hwOffloaded)}
        </dd>
        <dt>Offload queue</dt>
        <dd aria-label="Offload queue">
          pending adds {n(nic.queue.adds)}, deletes {n(nic.queue.dels)}, stats {n(nic.queue.stats)}; insert rate {nic.queue.insertRate ? `${n(nic.queue.insertRate)}/s` : 'unlimited'}
          {nic.queue.latencyUs ? `, latency ${n(nic.queue.latencyUs)} µs` : ''}
          {nic.queue.limit ? `, limit ${n(nic.queue.limit)} (proposal)` : ''}
        </dd>
        <dt>Insertions</dt>
        <dd aria-label="Refusals">
          attempts {n(nic.driver.attempts)}, refused {n(refused)}: table full {n(nic.driver.refusedFull)}, injected faults {n(nic.driver.refusedFault)}, other {n(nic.driver.refusedOther)}
          {nic.driver.evicted ? `; evicted ${n(nic.driver.evicted)}` : ''}
        </dd>
        <dt>Faults</dt>
        <dd>{nic.settings.faultRate > 0 ? `injecting: each insertion refused with probability ${nic.settings.faultRate}` : 'none injected'}</dd>
        <dt>Packets</dt>
        <dd aria-label="Hardware packets">
          hardware {n(nic.packets.hardware)}, software {n(nic.packets.software)} (chain misses {n(nic.packets.chainMisses)}, ct misses {n(nic.packets.ctMisses)})
        </dd>
        <dt>tc rules</dt>
        <dd>
          {n(nic.rulesInHw)} in hardware, {n(nic.filtersRefused)} refused; flowtable callbacks: {nic.zones.length ? nic.zones.map((z) => `zone ${z}`).join(', ') : 'none'}
        </dd>
      </dl>
      <SelectedEntry />
      {nic.chains.map((ch) => (
        <div key={`${ch.dev}/${ch.chain}`} role="group" className="hw-chain" aria-label={`NIC table ${ch.dev} chain ${ch.chain}`}>
          <h3>
            {ch.dev} chain {ch.chain}
          </h3>
          <ol className="hw-rules">
            {ch.rules.map((r) => (
              <li key={r.handle} title={r.text}>
                <span className="mono">
                  prio {r.prio} handle 0x{r.handle.toString(16)}
                </span>{' '}
                <span className="hint">{n(r.hwPackets)} hw packets</span>
                <div className="mono rule-text">{ruleSummary(r.text)}</div>
              </li>
            ))}
          </ol>
        </div>
      ))}
    </div>
  );
});

/** The selected connection's hardware CT entry: held or not, its last use and aging countdown. */
function SelectedEntry() {
  const id = useLab((s) => s.selectedCt);
  const answer = useQuery(id === undefined ? null : { kind: 'conntrack', offset: 0, limit: 1, filter: { id } });
  const now = useNow();
  const row = id === undefined ? undefined : answer?.rows[0];
  if (!row) return null;
  const t = rowTimers(row, now);
  return (
    <p className="hw-selected" aria-label="Selected connection in hardware">
      <strong>Selected</strong> <span className="mono">{tupleText(row.orig)}</span>:{' '}
      {t.hw ? `in the CT table, last used ${(t.hwIdleUs! / 1e6).toFixed(1)} s ago, ages out in ${countdownText(t.hw)}` : 'not in the CT table'}
    </p>
  );
}

/** A `tc filter show` text on one line: its match keys, then its actions (`ip_proto tcp ct_state -trk → ct zone 1 pipe, goto chain 2`). */
export function ruleSummary(text: string): string {
  const keys: string[] = [];
  const actions: string[] = [];
  for (const raw of text.split('\n').slice(1)) {
    const line = raw.trim();
    const action = /^action order \d+: (?:gact action )?(.*)$/.exec(line);
    if (action) actions.push(action[1]);
    else if (actions.length === 0 && line && !/^(eth_type|in_hw|not_in_hw|skip_hw|skip_sw|index|random)/.test(line)) keys.push(line);
  }
  return `${keys.join(' ') || 'any'} → ${actions.join(', ')}`;
}
