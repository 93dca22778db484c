/**
 * The Scenario region: the editor over the session's text, with save and share (of what the
 * editor shows: the session's text, or the edit not applied yet). "Apply
 * scenario" first parses the text in the worker: a bad edit shows its error inline and leaves
 * the running session as it was; a good one reloads the session at t = 0. Shell lines and
 * toggles change the session's text: the editor follows it unless the user is editing.
 * Unsaved edits are kept as a draft (draft.ts) and come back after a reload — unless the page
 * was opened from a share link, which wins.
 */
import { memo, useEffect, useState } from 'react';
import { useController } from '../session/context';
import { useLab } from '../session/store';
import { useQuery } from '../session/useQuery';
import { ShareControls } from '../share/ShareControls';
import { makeScenarioDoc, type ScenarioDoc } from '../share/scenarioDoc';
import { clearDraft, loadDraft, saveDraft } from './draft';
import type { ScenarioError } from './lines';
import { ScenarioEditor } from './ScenarioEditor';

export const ScenarioPanel = memo(function ScenarioPanel({ linkError, fromLink }: { linkError?: string; fromLink: boolean }) {
  const c = useController();
  const text = useLab((s) => s.text);
  const seed = useLab((s) => s.seed);
  const loadError = useLab((s) => s.loadError);
  const runError = useLab((s) => s.cursor.error);
  const [editing, setEditing] = useState<{ text: string; seed: number } | null>(() => (fromLink ? null : (loadDraft() ?? null)));
  const [checkError, setCheckError] = useState<ScenarioError | null>(null);
  const expects = useQuery({ kind: 'expects' });

  // A draft equal to what runs is no draft.
  useEffect(() => {
    if (editing && editing.text === text && editing.seed === seed) {
      setEditing(null);
      clearDraft();
    }
  }, [editing, text, seed]);

  const edit = (next: { text: string; seed: number }) => {
    setEditing(next);
    setCheckError(null);
    saveDraft(next.text, next.seed);
  };

  const apply = async (nextText: string, nextSeed: number) => {
    const r = await c.check(nextText);
    if (r?.type === 'checked' && r.error) return setCheckError(r.error);
    setCheckError(null);
    clearDraft();
    setEditing(null);
    await c.load(nextText, nextSeed);
  };

  // An imported file goes into the editor, then runs if it parses.
  const importDoc = (doc: ScenarioDoc) => {
    edit({ text: doc.text, seed: doc.seed });
    void apply(doc.text, doc.seed);
  };

  const errors: ScenarioError[] = checkError ? [checkError] : editing ? [] : [loadError ?? runError].filter((e): e is ScenarioError => !!e);
  const shown = editing ?? { text, seed };
  return (
    <div className="scenario-panel">
      {linkError && (
        <p role="alert" className="error">
          {linkError}
        </p>
      )}
      <ShareControls getDoc={() => makeScenarioDoc(shown.text, shown.seed)} onImport={(doc: ScenarioDoc) => importDoc(doc)} />
      <ScenarioEditor
        text={shown.text}
        seed={shown.seed}
        appliedText={text}
        appliedSeed={seed}
        errors={errors}
        expects={editing || !expects ? undefined : expects}
        onChange={(t) => edit({ text: t, seed: shown.seed })}
        onSeedChange={(s) => edit({ text: shown.text, seed: s })}
        onApply={(t, s) => void apply(t, s)}
      />
    </div>
  );
});
