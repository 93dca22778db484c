// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScenarioEditor, type ScenarioEditorProps } from './ScenarioEditor';

const TEXT = 'tc qdisc add dev uplink ingress\nfrobnicate the table\n';

function setup(overrides: Partial<ScenarioEditorProps> = {}) {
  const props: ScenarioEditorProps = {
    text: TEXT,
    seed: 1,
    appliedText: TEXT,
    appliedSeed: 1,
    errors: [],
    onChange: vi.fn(),
    onSeedChange: vi.fn(),
    onApply: vi.fn(),
    ...overrides,
  };
  render(<ScenarioEditor {...props} />);
  return props;
}

/** The editor bar's status (the expectations summary is the other status). */
const dirtyMark = (): string | null => screen.getAllByRole('status').find((e) => e.classList.contains('dirty-mark'))!.textContent;

describe('ScenarioEditor', () => {
  afterEach(cleanup);

  it('shows the text with a line number per line, and reports edits', () => {
    const props = setup();
    const area = screen.getByRole('textbox', { name: 'Scenario text' }) as HTMLTextAreaElement;
    expect(area.value).toBe(TEXT);
    expect(document.querySelectorAll('.editor-gutter-lines div')).toHaveLength(3);
    fireEvent.change(area, { target: { value: 'x' } });
    expect(props.onChange).toHaveBeenCalledWith('x');
  });

  it('marks itself dirty when the text or the seed differs from what was applied', () => {
    setup();
    expect(dirtyMark()).toBe('Applied');
    cleanup();
    setup({ text: `${TEXT}# more\n` });
    expect(dirtyMark()).toContain('Edited, not applied');
    cleanup();
    setup({ seed: 2 });
    expect(dirtyMark()).toContain('Edited, not applied');
  });

  it('applies the text and seed', () => {
    const props = setup({ text: 'a', seed: 9 });
    fireEvent.click(screen.getByRole('button', { name: 'Apply scenario' }));
    expect(props.onApply).toHaveBeenCalledWith('a', 9);
  });

  it('takes only valid seeds', () => {
    const props = setup();
    const seed = screen.getByRole('spinbutton', { name: 'Seed' });
    fireEvent.change(seed, { target: { value: '42' } });
    expect(props.onSeedChange).toHaveBeenCalledWith(42);
    fireEvent.change(seed, { target: { value: '-3' } });
    fireEvent.change(seed, { target: { value: '1.5' } });
    expect(props.onSeedChange).toHaveBeenCalledTimes(1);
  });

  it('shows an error at its line and column, with a caret, and goes there on click', () => {
    setup({ errors: [{ line: 2, col: 12, message: 'unknown command "frobnicate"' }] });
    const area = screen.getByRole('textbox', { name: 'Scenario text' }) as HTMLTextAreaElement;
    expect(area.getAttribute('aria-invalid')).toBe('true');
    const list = screen.getByRole('list', { name: 'Scenario errors' });
    expect(list.textContent).toContain('line 2, col 12: unknown command "frobnicate"');
    expect(list.querySelector('pre')!.textContent).toBe('frobnicate the table\n           ^');
    expect([...document.querySelectorAll('.editor-gutter-lines .has-error')].map((d) => d.textContent)).toEqual(['2']);
    fireEvent.click(screen.getByRole('button', { name: 'line 2, col 12' }));
    expect(area.selectionStart).toBe(TEXT.indexOf('frobnicate') + 11);
  });

  it('marks each reached expect line passed or failed, lists the failures and sums them up', () => {
    const text = 'echo a\nexpect conntrack count 0\nexpect hw ct count 1\nexpect hw queue 0\n';
    const results = [
      { line: 2, col: 1, ok: true, expected: 'expect conntrack count 0', found: 'count 0', message: 'line 2, col 1: expect conntrack count 0: ok' },
      { line: 3, col: 1, ok: false, expected: 'expect hw ct count 1', found: 'count 0', message: 'line 3, col 1: expect hw ct count 1: found count 0' },
    ];
    setup({ text, appliedText: text, expects: { results, total: 3 } });
    expect(screen.getByRole('img', { name: 'expect passed' }).getAttribute('title')).toBe(results[0].message);
    expect(screen.getByRole('img', { name: 'expect failed: found count 0' })).toBeTruthy();
    expect(screen.getByRole('status', { name: 'Expectations' }).textContent).toBe('3 expectations: 1 passed, 1 failed, 1 not reached yet');
    expect(screen.getByRole('list', { name: 'Failed expectations' }).textContent).toBe('line 3, col 1: expect hw ct count 1: found count 0');
  });

  it('shows no expect marks while the text is edited', () => {
    setup({ expects: undefined });
    expect(screen.queryAllByRole('img')).toHaveLength(0);
    expect(screen.getByRole('status', { name: 'Expectations' }).textContent).toBe('');
  });
});
