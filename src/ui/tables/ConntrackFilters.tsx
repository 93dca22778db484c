/** The conntrack table's filters: zone, protocol, TCP state, flag and address text (applied in the worker). */
import { memo } from 'react';
import type { ConntrackFilterSpec } from '../../worker/protocol';

const STATES = ['SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE'];
const FLAGS = ['UNREPLIED', 'ASSURED', 'OFFLOAD', 'HW_OFFLOAD'];

interface Props {
  filter: ConntrackFilterSpec;
  onChange: (f: ConntrackFilterSpec) => void;
  total: number;
}

export const ConntrackFilters = memo(function ConntrackFilters({ filter, onChange, total }: Props) {
  const set = (patch: Partial<ConntrackFilterSpec>) => {
    const next: ConntrackFilterSpec = { ...filter, ...patch };
    for (const k of Object.keys(next) as (keyof ConntrackFilterSpec)[]) if (next[k] === undefined || next[k] === '') delete next[k];
    onChange(next);
  };
  return (
    <div className="ct-filters" role="group" aria-label="Conntrack filters">
      <label>
        Zone
        <input type="number" min={0} max={65535} value={filter.zone ?? ''} aria-label="Zone filter" onChange={(e) => set({ zone: e.target.value === '' ? undefined : Number(e.target.value) })} />
      </label>
      <label>
        Proto
        <select aria-label="Protocol filter" value={filter.proto ?? ''} onChange={(e) => set({ proto: e.target.value || undefined })}>
          <option value="">any</option>
          <option value="tcp">tcp</option>
          <option value="udp">udp</option>
          <option value="icmp">icmp</option>
        </select>
      </label>
      <label>
        State
        <select aria-label="State filter" value={filter.state ?? ''} onChange={(e) => set({ state: e.target.value || undefined })}>
          <option value="">any</option>
          {STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Flag
        <select aria-label="Flag filter" value={filter.flag ?? ''} onChange={(e) => set({ flag: e.target.value || undefined })}>
          <option value="">any</option>
          {FLAGS.map((f) => (
            <option key={f} value={f}>
              [{f}]
            </option>
          ))}
        </select>
      </label>
      <input type="search" placeholder="address or port" aria-label="Address filter" value={filter.text ?? ''} onChange={(e) => set({ text: e.target.value || undefined })} />
      <span className="ct-total" aria-live="polite">
        {total.toLocaleString('en')} {total === 1 ? 'entry' : 'entries'}
      </span>
    </div>
  );
});
