/**
 * The region "Controls": tabs "Switches" (hw-tc-offload per port, sysctls, kernel profile,
 * hardware model and offload policy), "Rules" (the filters per device and chain, add, edit,
 * delete, skip flags) and "Traffic" (composer, connection actions, generator). Every control
 * runs real command lines at the cursor, inserted into the scenario.
 */
import { memo, useState } from 'react';
import { TrafficPanel } from '../traffic/TrafficPanel';
import { OffloadSwitches } from './OffloadSwitches';
import { RulesEditor } from './RulesEditor';
import { SettingsControls } from './SettingsControls';
import './controls.css';

const TABS = ['Switches', 'Rules', 'Traffic'] as const;
type Tab = (typeof TABS)[number];

export const ControlsRegion = memo(function ControlsRegion() {
  const [tab, setTab] = useState<Tab>('Switches');
  return (
    <div className="controls-region">
      <div role="tablist" aria-label="Controls" className="tabs">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} aria-controls={`controls-${t}`} id={`controls-tab-${t}`} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`controls-${tab}`} aria-labelledby={`controls-tab-${tab}`} className="tab-panel">
        {tab === 'Switches' && (
          <>
            <OffloadSwitches />
            <SettingsControls />
          </>
        )}
        {tab === 'Rules' && <RulesEditor />}
        {tab === 'Traffic' && <TrafficPanel />}
      </div>
    </div>
  );
});
