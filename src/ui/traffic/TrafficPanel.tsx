/**
 * Traffic at the cursor: a packet composer (`send`), one-click actions on the selected
 * connection or a new one from the composer's addresses, and the `traffic` generator as a
 * form whose run goes in batches with a progress bar and Cancel.
 */
import { memo, useRef, useState } from 'react';
import type { PositionedError } from '../../worker/protocol';
import { LineError, useExec } from '../controls/useExec';
import { useController } from '../session/context';
import { getLab, useLab } from '../session/store';
import { useQuery } from '../session/useQuery';
import { actionLines, CONN_ACTIONS, newConn, sendLine, trafficLine, type Composed, type Conn, type Generator } from './trafficLines';

const hostPort = (s: string): [string, number] => {
  const [h, p] = s.split(':');
  return [h, Number(p ?? 0)];
};

export const TrafficPanel = memo(function TrafficPanel() {
  const settings = useQuery({ kind: 'settings' });
  const selectedCt = useLab((s) => s.selectedCt);
  const selected = useQuery(selectedCt === undefined ? null : { kind: 'conntrack', offset: 0, limit: 1, filter: { id: selectedCt } });
  const exec = useExec();
  const [p, setP] = useState<Composed>({ dev: 'uplink', proto: 'tcp', src: '192.0.2.20:41000', dst: '10.0.0.1:80', flags: 'S', len: 0, count: 1 });
  const [server, setServer] = useState('rep0');
  const devices = settings?.devices.map((d) => d.name) ?? ['uplink', 'rep0'];
  const row = selectedCt !== undefined ? selected?.rows[0] : undefined;
  const conn: Conn = row ? { proto: row.proto as Conn['proto'], orig: row.orig, reply: row.reply } : newConn(p.proto, ...hostPort(p.src), ...hostPort(p.dst));
  const devSelect = (label: string, value: string, set: (v: string) => void) => (
    <label className="inline">
      {label}
      <select aria-label={label} value={value} onChange={(e) => set(e.target.value)}>
        {devices.map((d) => (
          <option key={d}>{d}</option>
        ))}
      </select>
    </label>
  );
  const line = sendLine(p);
  return (
    <div className="traffic">
      <fieldset className="control-group">
        <legend>Packet</legend>
        <div className="composer">
          {devSelect('Device', p.dev, (dev) => setP({ ...p, dev }))}
          <label className="inline">
            Protocol
            <select aria-label="Protocol" value={p.proto} onChange={(e) => setP({ ...p, proto: e.target.value as Composed['proto'] })}>
              <option>tcp</option>
              <option>udp</option>
              <option>icmp</option>
            </select>
          </label>
          <label className="inline">
            From
            <input aria-label="Source" value={p.src} onChange={(e) => setP({ ...p, src: e.target.value })} size={16} />
          </label>
          <label className="inline">
            To
            <input aria-label="Destination" value={p.dst} onChange={(e) => setP({ ...p, dst: e.target.value })} size={14} />
          </label>
          {p.proto === 'tcp' && (
            <label className="inline">
              Flags
              <select aria-label="TCP flags" value={p.flags} onChange={(e) => setP({ ...p, flags: e.target.value })}>
                {['S', 'S.', '.', 'P.', 'F.', 'R', 'R.'].map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
            </label>
          )}
          <label className="inline">
            Length
            <input aria-label="Length" type="number" min={0} max={65000} value={p.len} onChange={(e) => setP({ ...p, len: Number(e.target.value) })} />
          </label>
          <label className="inline">
            Count
            <input aria-label="Count" type="number" min={1} max={1000000} value={p.count} onChange={(e) => setP({ ...p, count: Number(e.target.value) })} />
          </label>
        </div>
        <code className="lines-preview">{line}</code>{' '}
        <button type="button" disabled={exec.busy} onClick={() => void exec.run([line])}>
          Send
        </button>
      </fieldset>
      <fieldset className="control-group">
        <legend>{row ? `Connection ${row.orig.src}:${row.orig.sport ?? ''} → ${row.orig.dst}:${row.orig.dport ?? ''} (selected)` : 'New connection (the composer’s addresses; select a row to act on it)'}</legend>
        <div className="composer">
          {devSelect('Client side', p.dev, (dev) => setP({ ...p, dev }))}
          {devSelect('Server side', server, setServer)}
        </div>
        <div className="actions">
          {CONN_ACTIONS.filter((a) => !a.tcp || conn.proto === 'tcp').map((a) => (
            <button key={a.action} type="button" disabled={exec.busy} onClick={() => void exec.run(actionLines(a.action, conn, { client: p.dev, server }))}>
              {a.label}
            </button>
          ))}
        </div>
      </fieldset>
      <GeneratorForm devices={devices} />
      {exec.failed && <LineError {...exec.failed} />}
    </div>
  );
});

function GeneratorForm({ devices }: { devices: string[] }) {
  const c = useController();
  const [failed, setFailed] = useState<{ line: string; error: PositionedError } | null>(null);
  const [g, setG] = useState<Generator>({ dev: 'uplink', replyDev: 'rep0', conns: 1000, rate: 10000, duration: 2, proto: 'tcp', flowSize: 'pareto 1.2 10', dport: 80, order: 'random' });
  const [progress, setProgress] = useState<number | null>(null);
  const cancelled = useRef(false);
  const line = trafficLine(g);
  const num = (k: 'conns' | 'rate' | 'duration' | 'dport', label: string) => (
    <label className="inline">
      {label}
      <input aria-label={label} type="number" min={1} value={g[k]} onChange={(e) => setG({ ...g, [k]: Number(e.target.value) })} />
    </label>
  );
  const run = async () => {
    const t0 = getLab().cursor.t;
    cancelled.current = false;
    setFailed(null);
    setProgress(0);
    // The line goes into the scenario and takes its first step; the rest runs in batches.
    const r = await c.exec(line, false);
    if (!r || r.error) {
      setProgress(null);
      if (r?.error) setFailed({ line, error: r.error });
      return;
    }
    const end = t0 + g.duration * 1_000_000;
    await c.runUntil(
      end - 1000,
      (t) => setProgress(Math.min(1, (t - t0) / (end - t0))),
      () => cancelled.current,
    );
    setProgress(null);
  };
  return (
    <fieldset className="control-group">
      <legend>Traffic generator</legend>
      <div className="composer">
        <label className="inline">
          Device
          <select aria-label="Generator device" value={g.dev} onChange={(e) => setG({ ...g, dev: e.target.value })}>
            {devices.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          Reply device
          <select aria-label="Generator reply device" value={g.replyDev} onChange={(e) => setG({ ...g, replyDev: e.target.value })}>
            {devices.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        {num('conns', 'Connections')}
        {num('rate', 'Rate (packets/s)')}
        {num('duration', 'Duration (s)')}
        {num('dport', 'Server port')}
        <label className="inline">
          Protocol
          <select aria-label="Generator protocol" value={g.proto} onChange={(e) => setG({ ...g, proto: e.target.value as Generator['proto'] })}>
            <option>tcp</option>
            <option>udp</option>
          </select>
        </label>
        <label className="inline">
          Order
          <select aria-label="Order" value={g.order} onChange={(e) => setG({ ...g, order: e.target.value as Generator['order'] })}>
            <option value="random">random</option>
            <option value="round-robin">round-robin</option>
          </select>
        </label>
        <label className="inline">
          Flow size
          <input aria-label="Flow size" value={g.flowSize} onChange={(e) => setG({ ...g, flowSize: e.target.value })} size={14} title="pareto A MIN, lognormal MU SIGMA or fixed N" />
        </label>
      </div>
      <code className="lines-preview">{line}</code>{' '}
      {progress === null ? (
        <button type="button" onClick={() => void run()}>
          Run traffic
        </button>
      ) : (
        <>
          <progress aria-label="Traffic progress" max={1} value={progress} /> {Math.round(progress * 100)}%{' '}
          <button type="button" onClick={() => (cancelled.current = true)}>
            Cancel
          </button>
        </>
      )}
      {failed && <LineError line={failed.line} error={failed.error} />}
    </fieldset>
  );
}
