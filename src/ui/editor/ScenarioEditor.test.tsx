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
    expect(screen.getByRole('status').textContent).toBe('Applied');
    cleanup();
    setup({ text: `${TEXT}# more\n` });
    expect(screen.getByRole('status').textContent).toContain('Edited, not applied');
    cleanup();
    setup({ seed: 2 });
    expect(screen.getByRole('status').textContent).toContain('Edited, not applied');
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
});
