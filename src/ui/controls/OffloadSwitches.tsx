/**
 * One switch per NIC port, named "hw-tc-offload DEV" (`ethtool -K DEV hw-tc-offload on|off`).
 * mlx5 refuses to switch it off while the port has offloaded filters: the refusal is shown
 * with what an engineer does about it — take the device's filters out, switch off, put the
 * same lines back (they return not_in_hw) — as one click that runs those real lines. Switching
 * on with filters present re-adds them too, since turning it on replays nothing.
 */
import { memo, useState } from 'react';
import { useQuery } from '../session/useQuery';
import { offloadRoundTrip } from './filterLines';
import { LineError, useExec } from './useExec';

export const OffloadSwitches = memo(function OffloadSwitches() {
  const hw = useQuery({ kind: 'hardware' });
  const filters = useQuery({ kind: 'filters' });
  const exec = useExec();
  const [refused, setRefused] = useState<{ dev: string; message: string } | null>(null);
  if (!hw || !filters) return null;
  const devFilters = (dev: string) => filters.devices.find((d) => d.dev === dev && d.hook === 'ingress');

  const toggle = async (dev: string, on: boolean) => {
    setRefused(null);
    const mine = devFilters(dev);
    if (on) {
      const trip = mine && mine.filters.length ? offloadRoundTrip(mine, true) : [`ethtool -K ${dev} hw-tc-offload on`];
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

  const roundTrip = refused ? devFilters(refused.dev) : undefined;
  const trip = roundTrip ? offloadRoundTrip(roundTrip, false) : null;
  return (
    <fieldset className="control-group">
      <legend>hw-tc-offload</legend>
      <div className="switches">
        {hw.nic.ports.map((p) => (
          <label key={p.name} className="switch">
            <input type="checkbox" role="switch" aria-label={`hw-tc-offload ${p.name}`} checked={p.hwTcOffload} disabled={exec.busy} onChange={(e) => void toggle(p.name, e.target.checked)} />
            {p.name}
          </label>
        ))}
      </div>
      {refused && (
        <div role="alert" className="refusal">
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
      {exec.failed && <LineError line={exec.failed.line} error={exec.failed.error} />}
    </fieldset>
  );
});
