/**
 * A temporary page: the frame with the scenario editor and the share controls, placeholder
 * regions, and "Apply scenario" running the whole text in the worker (its show output goes to
 * the Shell region). The live session replaces the placeholders and the run.
 */
import { useRef, useState } from 'react';
import talkWebServer from '../scenarios/talk-web-server.sim?raw';
import { ScenarioEditor } from './editor/ScenarioEditor';
import { clearDraft, loadDraft, saveDraft } from './editor/draft';
import type { ScenarioError } from './editor/lines';
import { Frame } from './frame/Frame';
import { ShareControls } from './share/ShareControls';
import { decodeShareLink } from './share/link';
import { makeScenarioDoc, type ScenarioDoc } from './share/scenarioDoc';
import { startSimWorker } from './simClient';

const DEFAULT_SEED = 1;

interface Initial {
  applied: { text: string; seed: number };
  editing: { text: string; seed: number };
  linkError?: string;
}

/** What the page opens with: a share link's scenario, else the talk scenario with any unsaved draft. */
function initialScenario(): Initial {
  const link = decodeShareLink(window.location.href);
  if (link?.ok) {
    const applied = { text: link.doc.text, seed: link.doc.seed };
    return { applied, editing: applied };
  }
  const applied = { text: talkWebServer, seed: DEFAULT_SEED };
  const draft = loadDraft();
  return { applied, editing: draft ? { text: draft.text, seed: draft.seed } : applied, linkError: link?.error };
}

const placeholder = (what: string) => <p className="placeholder">{what} (coming)</p>;

export function App() {
  const [initial] = useState(initialScenario);
  const [applied, setApplied] = useState(initial.applied);
  const [editing, setEditing] = useState(initial.editing);
  const [errors, setErrors] = useState<ScenarioError[]>([]);
  const [output, setOutput] = useState('');
  const worker = useRef<ReturnType<typeof startSimWorker> | null>(null);

  const edit = (text: string, seed: number) => {
    setEditing({ text, seed });
    if (text === applied.text && seed === applied.seed) clearDraft();
    else saveDraft(text, seed);
  };

  const apply = async (text: string, seed: number) => {
    setApplied({ text, seed });
    clearDraft();
    worker.current ??= startSimWorker();
    const result = await worker.current.run(text, seed);
    setErrors(result.error ? [result.error] : []);
    setOutput(result.outputs.join('\n'));
  };

  const load = (doc: ScenarioDoc) => {
    setEditing({ text: doc.text, seed: doc.seed });
    void apply(doc.text, doc.seed);
  };

  return (
    <Frame
      pipeline={placeholder('Pipeline')}
      inspector={placeholder('Inspector')}
      conntrack={placeholder('Conntrack table')}
      flowtables={placeholder('Flowtables')}
      hardware={placeholder('Hardware')}
      charts={placeholder('Charts')}
      shell={output ? <pre className="shell-output">{output}</pre> : placeholder('Shell: apply the scenario to see its show commands’ output here')}
      scenario={
        <div className="scenario-panel">
          {initial.linkError && (
            <p role="alert" className="error">
              {initial.linkError}
            </p>
          )}
          <ShareControls getDoc={() => makeScenarioDoc(editing.text, editing.seed)} onImport={load} />
          <ScenarioEditor
            text={editing.text}
            seed={editing.seed}
            appliedText={applied.text}
            appliedSeed={applied.seed}
            errors={errors}
            onChange={(text) => edit(text, editing.seed)}
            onSeedChange={(seed) => edit(editing.text, seed)}
            onApply={(text, seed) => void apply(text, seed)}
          />
        </div>
      }
    />
  );
}
