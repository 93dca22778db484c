// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Frame } from './Frame';
import { LAYOUT_STORAGE_KEY } from './layout';

const all = {
  pipeline: 'graph',
  inspector: 'details',
  conntrack: 'rows',
  flowtables: 'ft',
  hardware: 'hw',
  charts: 'charts',
  shell: 'shell',
  scenario: 'text',
};

describe('Frame', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    cleanup();
    document.documentElement.removeAttribute('data-theme');
  });

  it('renders the regions it is given under their contract names, and no others', () => {
    render(<Frame pipeline="graph" shell="prompt" toolbar={<button type="button">Play</button>} />);
    expect(screen.getByRole('heading', { level: 1, name: 'CT Offload Lab' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Pipeline' }).textContent).toContain('graph');
    expect(screen.getByRole('region', { name: 'Shell' }).textContent).toContain('prompt');
    expect(screen.queryByRole('region', { name: 'Inspector' })).toBeNull();
    expect(screen.getAllByRole('region')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
  });

  it('names all eight regions', () => {
    render(<Frame {...all} />);
    expect(screen.getAllByRole('region').map((r) => r.getAttribute('aria-label'))).toEqual([
      'Pipeline',
      'Conntrack table',
      'Flowtables',
      'Hardware',
      'Charts',
      'Inspector',
      'Scenario',
      'Shell',
    ]);
  });

  it('collapses and expands a panel by its button, and stores it', () => {
    render(<Frame {...all} />);
    fireEvent.click(screen.getByRole('button', { name: 'Collapse Hardware' }));
    const expand = screen.getByRole('button', { name: 'Expand Hardware' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    expect(document.getElementById(expand.getAttribute('aria-controls')!)!.hidden).toBe(true);
    expect(JSON.parse(localStorage.getItem(LAYOUT_STORAGE_KEY)!).collapsed).toEqual(['charts', 'hardware']);
    fireEvent.click(expand);
    expect(screen.getByRole('button', { name: 'Collapse Hardware' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('opens with Charts collapsed to a strip that one click expands', () => {
    render(<Frame {...all} />);
    const expand = screen.getByRole('button', { name: 'Expand Charts' });
    expect(document.getElementById(expand.getAttribute('aria-controls')!)!.hidden).toBe(true);
    expect(screen.getByRole('button', { name: 'Collapse Conntrack table' })).toBeTruthy();
    fireEvent.click(expand);
    expect(screen.getByRole('button', { name: 'Collapse Charts' }).getAttribute('aria-expanded')).toBe('true');
    expect(JSON.parse(localStorage.getItem(LAYOUT_STORAGE_KEY)!).collapsed).toEqual([]);
  });

  it('moves a splitter with the keyboard; a collapsed neighbour leaves no splitter', () => {
    render(<Frame {...all} />);
    const splitter = screen.getByRole('separator', { name: 'Resize Conntrack table / Flowtables' });
    expect(splitter.getAttribute('aria-orientation')).toBe('vertical');
    // Charts start collapsed: the conntrack table has 44 of the 90 weight left to the three tables.
    expect(splitter.getAttribute('aria-valuenow')).toBe('49');
    fireEvent.keyDown(splitter, { key: 'ArrowRight' });
    expect(splitter.getAttribute('aria-valuenow')).toBe('51');
    fireEvent.keyDown(splitter, { key: 'ArrowLeft', shiftKey: true });
    expect(splitter.getAttribute('aria-valuenow')).toBe('41');
    fireEvent.click(screen.getByRole('button', { name: 'Collapse Flowtables' }));
    expect(screen.queryByRole('separator', { name: 'Resize Conntrack table / Flowtables' })).toBeNull();
  });

  it('restores a stored layout and ignores a corrupt one', () => {
    localStorage.setItem(LAYOUT_STORAGE_KEY, JSON.stringify({ version: 1, sizes: { pipeline: 75, dock: 25 }, collapsed: ['shell'] }));
    const first = render(<Frame {...all} />);
    expect(screen.getByRole('separator', { name: 'Resize Pipeline / Tables' }).getAttribute('aria-valuenow')).toBe('75');
    expect(screen.getByRole('button', { name: 'Expand Shell' })).toBeTruthy();
    first.unmount();
    localStorage.setItem(LAYOUT_STORAGE_KEY, '{"version":1,"sizes":{"pipeline":"big"}}');
    render(<Frame {...all} />);
    expect(screen.getByRole('separator', { name: 'Resize Pipeline / Tables' }).getAttribute('aria-valuenow')).toBe('66');
  });

  it('switches the theme and remembers it', () => {
    render(<Frame {...all} />);
    const toggle = screen.getByRole('switch', { name: 'Dark theme' });
    const wasDark = toggle.getAttribute('aria-checked') === 'true';
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-checked')).toBe(String(!wasDark));
    expect(document.documentElement.dataset.theme).toBe(wasDark ? 'light' : 'dark');
  });

  it('opens the keyboard shortcuts dialog with ? and with the Help button', () => {
    render(<Frame {...all} />);
    const dialog = document.querySelector('dialog')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('Keyboard shortcuts');
    expect(dialog.open).toBe(false);
    act(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '?', shiftKey: true }));
    });
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain('Step back (a packet)');
    fireEvent.click(dialog.querySelector('button[aria-label="Close keyboard shortcuts"]')!);
    expect(dialog.open).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Help' }));
    expect(dialog.open).toBe(true);
  });
});
