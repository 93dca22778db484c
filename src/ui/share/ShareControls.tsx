/**
 * Save and share: "Copy link" (the scenario in the URL hash), "Export" (a .ctlab.json file with
 * the seed), "Export scenario" (the plain .sim text the CLI runs) and "Import" (a file picker). `getDoc` is asked at the moment of the click, so the controls need no
 * copy of the text; an imported file is validated before `onImport` sees it.
 */
import { useId, useRef, useState } from 'react';
import { encodeShareLink } from './link';
import { MAX_FILE_BYTES, exportFileName, parseScenarioFile, serializeScenarioDoc, simFileName, tooBigMessage, type ScenarioDoc } from './scenarioDoc';

export interface ShareControlsProps {
  getDoc: () => ScenarioDoc;
  onImport: (doc: ScenarioDoc) => void;
  /** The page the link opens; defaults to this page without its hash. */
  baseUrl?: string;
}

type Status = { kind: 'copied' } | { kind: 'manual'; url: string } | { kind: 'error'; message: string } | { kind: 'idle' };

export function ShareControls({ getDoc, onImport, baseUrl }: ShareControlsProps) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);
  const linkFieldId = useId();

  const copyLink = async () => {
    const link = encodeShareLink(getDoc(), baseUrl ?? window.location.href.split('#')[0]);
    if (!link.ok) return setStatus({ kind: 'error', message: link.error });
    try {
      await navigator.clipboard.writeText(link.url);
      setStatus({ kind: 'copied' });
    } catch {
      // Clipboard refused (permissions, insecure context): show the link to copy by hand.
      setStatus({ kind: 'manual', url: link.url });
    }
  };

  const download = (name: string, body: string, type: string) => {
    const url = URL.createObjectURL(new Blob([body], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    // The download has started from the click; the object URL is no longer needed after this task.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setStatus({ kind: 'idle' });
  };

  const exportFile = () => {
    const doc = getDoc();
    download(exportFileName(doc), serializeScenarioDoc(doc), 'application/json');
  };

  const exportText = () => {
    const doc = getDoc();
    download(simFileName(doc), doc.text, 'text/plain');
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    // Refused before reading: a huge file is never loaded into memory.
    if (file.size > MAX_FILE_BYTES) return setStatus({ kind: 'error', message: `${file.name}: ${tooBigMessage(file.size)}` });
    const result = parseScenarioFile(await file.text());
    if (!result.ok) return setStatus({ kind: 'error', message: `${file.name}: ${result.error}` });
    setStatus({ kind: 'idle' });
    onImport(result.doc);
  };

  return (
    <div className="share">
      <div className="share-buttons">
        <button type="button" onClick={copyLink}>
          Copy link
        </button>
        <button type="button" onClick={exportFile}>
          Export
        </button>
        <button type="button" onClick={exportText} title="Download the scenario text as a .sim file (the CLI runs it; the seed is not in it)">
          Export scenario
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Scenario file to import"
          onChange={(e) => {
            void importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <span role="status" className="share-status">
          {status.kind === 'copied' ? 'Link copied' : ''}
        </span>
      </div>
      {status.kind === 'manual' && (
        <div className="share-manual">
          <label htmlFor={linkFieldId}>Share link (copy it by hand)</label>
          <input id={linkFieldId} type="text" readOnly value={status.url} onFocus={(e) => e.target.select()} />
        </div>
      )}
      {status.kind === 'error' && (
        <p role="alert" className="error">
          {status.message}
        </p>
      )}
    </div>
  );
}
