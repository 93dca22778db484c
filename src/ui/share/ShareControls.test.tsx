// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeShareLink } from './link';
import { MAX_FILE_BYTES, makeScenarioDoc, serializeScenarioDoc } from './scenarioDoc';
import { ShareControls } from './ShareControls';

const doc = makeScenarioDoc('tc qdisc add dev uplink ingress\n', 5);
const fileInput = () => document.querySelector('input[type=file]') as HTMLInputElement;
const choose = (file: File) => fireEvent.change(fileInput(), { target: { files: [file] } });

function setClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}

describe('ShareControls', () => {
  afterEach(cleanup);

  it('copies a link that decodes to the scenario, and says so', async () => {
    const writeText = vi.fn(async (_text: string) => {});
    setClipboard(writeText);
    render(<ShareControls getDoc={() => doc} onImport={vi.fn()} baseUrl="https://lab.example/" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Link copied'));
    expect(decodeShareLink(writeText.mock.calls[0][0])).toEqual({ ok: true, doc });
  });

  it('shows the link in a field when the clipboard is refused', async () => {
    setClipboard(async () => {
      throw new DOMException('denied', 'NotAllowedError');
    });
    render(<ShareControls getDoc={() => doc} onImport={vi.fn()} baseUrl="https://lab.example/" />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy link' }));
    const field = (await screen.findByRole('textbox', { name: 'Share link (copy it by hand)' })) as HTMLInputElement;
    expect(decodeShareLink(field.value)).toEqual({ ok: true, doc });
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('imports a valid file', async () => {
    const onImport = vi.fn();
    render(<ShareControls getDoc={() => doc} onImport={onImport} />);
    choose(new File([serializeScenarioDoc(doc)], 'talk.ctlab.json', { type: 'application/json' }));
    await waitFor(() => expect(onImport).toHaveBeenCalledWith(doc));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refuses a bad file with an alert naming the file and the problem', async () => {
    const onImport = vi.fn();
    render(<ShareControls getDoc={() => doc} onImport={onImport} />);
    choose(new File(['{"format": 1'], 'broken.json'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^broken\.json: not JSON: /);
    choose(new File([JSON.stringify({ ...doc, version: 3 })], 'future.json'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('future.json: "version": expected 1'));
    expect(onImport).not.toHaveBeenCalled();
  });

  it('refuses a file over 1 MB without reading it', async () => {
    const big = new File(['x'.repeat(MAX_FILE_BYTES + 1)], 'huge.json');
    const text = vi.spyOn(big, 'text');
    render(<ShareControls getDoc={() => doc} onImport={vi.fn()} />);
    choose(big);
    expect((await screen.findByRole('alert')).textContent).toBe(
      `huge.json: the file is too big (${MAX_FILE_BYTES + 1} bytes; at most ${MAX_FILE_BYTES} bytes = 1 MB)`,
    );
    expect(text).not.toHaveBeenCalled();
  });

  it('"Export scenario" downloads the plain scenario text as a .sim file', async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:x';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    render(<ShareControls getDoc={() => makeScenarioDoc('echo hi\nexpect conntrack count 0\n', 5, 'My Talk')} onImport={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Export scenario' }));
    expect(names).toEqual(['my-talk.sim']);
    expect(await blobs[0].text()).toBe('echo hi\nexpect conntrack count 0\n');
    create.mockRestore();
    click.mockRestore();
  });
});
