/**
 * The mid-run settings, each one a real command line run at the cursor and saved in the
 * scenario: the conntrack sysctls (switches for the booleans, such as
 * nf_conntrack_tcp_be_liberal; a key and value for the rest), the kernel profile
 * (`sim profile`), the hardware model (`sim nic-capacity`, `nic-insert-rate`, `nic-latency-us`,
 * `nic-fault-rate`, `hw-aging`, …) and the offload policy thresholds (proposals).
 */
import { memo, useId, useState } from 'react';
import type { NicView } from '../../worker/protocol';
import { useQuerySelect } from '../session/useQuery';
import { ErrorAt, useExec, type ExecState } from './useExec';

const PREFIX = 'net.netfilter.';
/** Where a setting's error shows: under the group of the control that ran it. */
const KERNEL = 'kernel';
const HARDWARE = 'hardware model';
const BOOLEAN_SYSCTLS = ['nf_conntrack_tcp_be_liberal', 'nf_conntrack_tcp_loose', 'nf_conntrack_tcp_ignore_invalid_rst', 'nf_conntrack_checksum', 'nf_conntrack_acct'];

export const SettingsControls = memo(function SettingsControls() {
  const settings = useQuerySelect({ kind: 'settings' }, (a) => ({ profile: a.profile, profiles: a.profiles, talkProfile: a.defaultProfile, sysctls: a.sysctls }))?.value;
  // The hardware answer's tables and counters move with every packet; only the settings are shown here.
  const nic = useQuerySelect({ kind: 'hardware' }, (a) => nicSettings(a.nic))?.value;
  const exec = useExec();
  if (!settings || !nic) return null;
  const sysctls = new Map(settings.sysctls);
  const numeric = settings.sysctls.filter(([k]) => !BOOLEAN_SYSCTLS.includes(k.slice(PREFIX.length)));
  return (
    <>
      <fieldset className="control-group">
        <legend>Kernel</legend>
        <label className="inline">
          Kernel profile
          <select aria-label="Kernel profile" value={settings.profile} disabled={exec.busy} onChange={(e) => void exec.run([`sim profile ${e.target.value}`], KERNEL)}>
            {settings.profiles.map((p) => (
              <option key={p} value={p}>
                {p === settings.talkProfile ? `${p} (the talk)` : p}
              </option>
            ))}
          </select>
        </label>
        <div className="switches">
          {BOOLEAN_SYSCTLS.map((k) => (
            <label key={k} className="switch" title={`sysctl -w ${PREFIX}${k}=0|1`}>
              <input type="checkbox" role="switch" aria-label={k} checked={sysctls.get(PREFIX + k) === '1'} disabled={exec.busy} onChange={(e) => void exec.run([`sysctl -w ${PREFIX}${k}=${e.target.checked ? 1 : 0}`], KERNEL)} />
              {k.replace('nf_conntrack_', '')}
            </label>
          ))}
        </div>
        <SysctlSetter numeric={numeric} exec={exec} />
        <ErrorAt exec={exec} where={KERNEL} />
      </fieldset>
      <fieldset className="control-group">
        <legend>Hardware model</legend>
        <div className="settings-grid">
          {nic.map(([key, value, hint]) => (
            <SettingField key={key} name={key} value={value} hint={hint} exec={exec} />
          ))}
        </div>
        <ErrorAt exec={exec} where={HARDWARE} />
      </fieldset>
    </>
  );
});

/** `sim KEY VALUE` settings with their current values. */
function nicSettings(nic: NicView): [string, string, string][] {
  const s = nic.settings;
  const policy = [s.policy.minPackets ? `packets=${s.policy.minPackets}` : '', s.policy.minBytes ? `bytes=${s.policy.minBytes}` : ''].filter(Boolean).join(',') || 'none';
  return [
    ['nic-capacity', String(nic.ct.capacity), 'connections the CT table holds'],
    ['nic-insert-rate', String(nic.queue.insertRate), 'insertions per second, 0 = unlimited'],
    ['nic-latency-us', String(nic.queue.latencyUs), 'offload work latency (µs)'],
    ['nic-fault-rate', String(s.faultRate), 'probability an insertion is refused'],
    ['hw-aging', String(s.agingSec), 'seconds (the flowtable timeout)'],
    ['offload-policy', policy, 'proposal: none, packets=N, bytes=B'],
    ['offload-queue-limit', String(nic.queue.limit), 'proposal: pending adds, 0 = none'],
    ['nic-evict-idle', s.evictIdleSec === null ? 'off' : String(s.evictIdleSec), 'proposal: off or idle seconds'],
    ['ovs', s.ovs ? 'on' : 'off', 'Open vSwitch after tc'],
  ];
}

function SettingField({ name, value, hint, exec }: { name: string; value: string; hint: string; exec: ExecState }) {
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  const shown = draft ?? value;
  const apply = () => void exec.run([`sim ${name} ${shown.trim()}`], HARDWARE).then((ok) => ok && setDraft(null));
  return (
    <>
      <label htmlFor={id} title={hint}>
        {name}
      </label>
      <input id={id} aria-label={name} value={shown} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} />
      <button type="button" aria-label={`Set ${name}`} disabled={exec.busy || shown.trim() === value} onClick={apply}>
        Set
      </button>
    </>
  );
}

function SysctlSetter({ numeric, exec }: { numeric: [string, string][]; exec: ExecState }) {
  const [key, setKey] = useState(numeric[0]?.[0] ?? '');
  const [draft, setDraft] = useState<string | null>(null);
  const current = numeric.find(([k]) => k === key)?.[1] ?? '';
  const shown = draft ?? current;
  return (
    <div className="sysctl-setter">
      <select aria-label="Sysctl" value={key} onChange={(e) => (setKey(e.target.value), setDraft(null))}>
        {numeric.map(([k]) => (
          <option key={k} value={k}>
            {k.slice(PREFIX.length)}
          </option>
        ))}
      </select>
      <input aria-label="Sysctl value" value={shown} onChange={(e) => setDraft(e.target.value)} />
      <button type="button" disabled={exec.busy || shown === current} onClick={() => void exec.run([`sysctl -w ${key}=${shown.trim()}`], KERNEL).then((ok) => ok && setDraft(null))}>
        sysctl -w
      </button>
    </div>
  );
}
