/**
 * One switch per NIC port, named "hw-tc-offload DEV" (`ethtool -K DEV hw-tc-offload on|off`).
 * mlx5 refuses to switch it off while the port has offloaded filters: the refusal is shown
 * with what an engineer does about it — take the device's filters out, switch off, put the
 * same lines back (they return not_in_hw) — as one click that runs those real lines. Switching
 * on with filters present re-adds them too, since turning it on replays nothing.
 */
import { memo, useState } from 'react';
import type { Answer } from '../../worker/protocol';
import { useQuerySelect } from '../session/useQuery';
import { offloadRoundTrip } from './filterLines';
import { LineError, useExec, useIntoView } from './useExec';

export const OffloadSwitches = memo(function OffloadSwitches() {
  // Only the switches' states and each port's round trip: the answers' counters move with every packet.
  const ports = useQuerySelect({ kind: 'hardware' }, (a) => a.nic.ports.map((p) => ({ name: p.name, on: p.hwTcOffload })))?.value;
  const trips = useQuerySelect({ kind: 'filters' }, roundTrips)?.value;
  const exec = useExec();
  const [refused, setRefused] = useState<{ dev: string; message: string } | null>(null);
  // The refusal opens under the switches, often below the panel's fold.
  const refusalBox = useIntoView<HTMLDivElement>(refused);
  if (!ports || !trips) return null;

  const toggle = async (dev: string, on: boolean) => {
    setRefused(null);
    if (on) {
      const trip = trips[dev]?.on ?? [`ethtool -K ${dev} hw-tc-offload on`];
      await exec.run(typeof trip === 'string' ? [`ethtool -K ${dev} hw-tc-offload on`] : trip);
      return;
    }
    const line = `ethtool -K ${dev} hw-tc-offload off`;
    const ok = await exec.run([line]);
    if (!ok) {
      exec.clear();
      setRefused({ dev, message: 'Could not change any device features (mlx5_core: Active offloaded tc filters, can’t turn hw_tc_offload off)' });
    }
  };

  const trip = refused ? (trips[refused.dev]?.off ?? null) : null;
  return (
    <fieldset className="control-group">
      <legend>hw-tc-offload</legend>
      <div className="switches">
        {ports.map((p) => (
          <label key={p.name} className="switch">
            <input type="checkbox" role="switch" aria-label={`hw-tc-offload ${p.name}`} checked={p.on} disabled={exec.busy} onChange={(e) => void toggle(p.name, e.target.checked)} />
            {p.name}
          </label>
        ))}
      </div>
      {refused && (
        <div role="alert" className="refusal" ref={refusalBox}>
          <p>
            <code>ethtool -K {refused.dev} hw-tc-offload off</code>: {refused.message}.
          </p>
          {typeof trip === 'string' ? (
            <p>{trip}</p>
          ) : (
            trip && (
              <>
                <p>The way round: take {refused.dev}’s filters out, switch off, add them again (they stay not_in_hw):</p>
                <pre className="mono lines-preview">{trip.join('\n')}</pre>
                <button type="button" disabled={exec.busy} onClick={() => void exec.run(trip).then((ok) => ok && setRefused(null))}>
                  Take {refused.dev}’s filters out, switch off, put them back
                </button>
              </>
            )
          )}
        </div>
      )}
      {exec.failed && <LineError {...exec.failed} />}
    </fieldset>
  );
});

/** Each port's lines to switch hw-tc-offload on and off with its ingress filters in place (ports with filters only). */
function roundTrips(a: Extract<Answer, { kind: 'filters' }>): Record<string, { on: string[] | string; off: string[] | string }> {
  const out: Record<string, { on: string[] | string; off: string[] | string }> = {};
  for (const d of a.devices) if (d.hook === 'ingress' && d.filters.length) out[d.dev] = { on: offloadRoundTrip(d, true), off: offloadRoundTrip(d, false) };
  return out;
}
