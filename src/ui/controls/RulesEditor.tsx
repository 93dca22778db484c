/**
 * The filters at the cursor per device and chain, each with its counters and hardware state,
 * its skip_hw / skip_sw switches (a `tc filter replace` of the same filter), Edit (a replace
 * line to change) and Delete; and a box to add one or many pasted `tc` lines. Every action is
 * real lines run at the cursor; several lines are all checked before any runs, and a line the
 * simulator refuses leaves the state as it was, its error shown under it at its column.
 */
import { memo, useState } from 'react';
import type { DeviceFilters, FilterRowView } from '../../worker/protocol';
import { useQuery } from '../session/useQuery';
import { ruleSummary } from '../tables/HardwareView';
import { deleteLine, editLine, replaceWithSkip, type SkipFlag } from './filterLines';
import { ErrorAt, useExec, type ExecState } from './useExec';

export const RulesEditor = memo(function RulesEditor() {
  const answer = useQuery({ kind: 'filters' });
  const exec = useExec();
  const [draft, setDraft] = useState('');
  const lines = draft.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return (
    <div className="rules-editor">
      {answer?.devices
        .filter((d) => d.filters.length > 0)
        .map((d) => (
          <DeviceRules key={`${d.dev}/${d.hook}`} dev={d} exec={exec} />
        ))}
      {answer && answer.devices.every((d) => d.filters.length === 0) && <p className="hint">No filters yet.</p>}
      <label className="add-rules">
        Add tc lines (one or many)
        <textarea
          aria-label="New tc lines"
          rows={3}
          spellCheck={false}
          value={draft}
          placeholder="tc filter add dev uplink ingress prio 3 chain 2 proto ip flower ct_state +trk+est action mirred egress redirect dev rep1"
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <button type="button" disabled={exec.busy || lines.length === 0} onClick={() => void exec.run(lines, ADD).then((ok) => ok && setDraft(''))}>
        Add rules
      </button>
      <ErrorAt exec={exec} where={ADD} />
    </div>
  );
});

/** The add box's name for its errors (a rule's are named by the rule). */
const ADD = 'add';

function DeviceRules({ dev, exec }: { dev: DeviceFilters; exec: ExecState }) {
  return (
    <div role="group" className="dev-rules" aria-label={`${dev.dev} ${dev.hook} filters`}>
      <h3>
        {dev.dev} {dev.hook}
      </h3>
      {dev.chains.map((chain) => (
        <div key={chain} className="chain-rules">
          <h4>chain {chain}</h4>
          <ul>
            {dev.filters
              .filter((f) => f.chain === chain)
              .map((f) => (
                <RuleRow key={`${f.prio}/${f.handle}`} dev={dev} f={f} exec={exec} />
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function RuleRow({ dev, f, exec }: { dev: DeviceFilters; f: FilterRowView; exec: ExecState }) {
  const [editing, setEditing] = useState<string | null>(null);
  const name = `${dev.dev} chain ${f.chain} prio ${f.prio}`;
  const skip = (flag: 'skip_hw' | 'skip_sw', on: boolean) => {
    const next: SkipFlag = on ? flag : null;
    void exec.run([replaceWithSkip(f.source!, f.handle, next)], name);
  };
  return (
    <li className="rule">
      <div className="rule-head">
        <span className="mono">
          prio {f.prio} handle 0x{f.handle.toString(16)}
        </span>
        <span className={`badge ${f.inHw ? 'in-hw' : 'not-in-hw'}`}>{f.inHw ? 'in_hw' : 'not_in_hw'}</span>
        <span className="hint" aria-label={`Counters ${name}`}>
          sw {f.swPackets} · hw {f.hwPackets} packets
        </span>
      </div>
      <div className="mono rule-text" title={f.text}>
        {ruleSummary(f.text)}
      </div>
      <div className="rule-actions">
        <label className="switch" title={f.source ? 'tc filter replace … skip_hw' : 'the line that added this filter is not known'}>
          <input type="checkbox" role="switch" aria-label={`skip_hw ${name}`} checked={f.skipHw} disabled={exec.busy || !f.source} onChange={(e) => skip('skip_hw', e.target.checked)} />
          skip_hw
        </label>
        <label className="switch">
          <input type="checkbox" role="switch" aria-label={`skip_sw ${name}`} checked={f.skipSw} disabled={exec.busy || !f.source} onChange={(e) => skip('skip_sw', e.target.checked)} />
          skip_sw
        </label>
        <button type="button" aria-label={`Edit ${name}`} disabled={exec.busy || !f.source} onClick={() => setEditing(editLine(f.source!, f.handle))}>
          Edit
        </button>
        <button type="button" aria-label={`Delete ${name}`} disabled={exec.busy} onClick={() => void exec.run([deleteLine(dev.dev, dev.hook, f)], name)}>
          Delete
        </button>
      </div>
      {editing !== null && (
        <div className="rule-edit">
          <input className="mono" aria-label={`Replace line ${name}`} value={editing} onChange={(e) => setEditing(e.target.value)} />
          <button type="button" disabled={exec.busy} onClick={() => void exec.run([editing], name).then((ok) => ok && setEditing(null))}>
            Replace
          </button>
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </div>
      )}
      <ErrorAt exec={exec} where={name} />
    </li>
  );
}
