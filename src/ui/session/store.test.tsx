// @vitest-environment happy-dom
/**
 * Selectors keep views apart: a table update does not re-render the graph's reader of the
 * batch, and a new batch does not re-render a reader of the shell.
 */
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getLab, setLab, useLab } from './store';

const counter = (): { n: number } => ({ n: 0 });

describe('store selectors', () => {
  it('re-render only the views whose slice changed', () => {
    const graph = counter();
    const shell = counter();
    const tables = counter();
    function Graph() {
      graph.n++;
      return <span>{useLab((s) => s.batch.seq)}</span>;
    }
    function ShellView() {
      shell.n++;
      return <span>{useLab((s) => s.shell.length)}</span>;
    }
    function Tables() {
      tables.n++;
      return <span>{useLab((s) => s.stateVersion)}</span>;
    }
    render(
      <>
        <Graph />
        <ShellView />
        <Tables />
      </>,
    );
    expect([graph.n, shell.n, tables.n]).toEqual([1, 1, 1]);
    act(() => setLab((s) => ({ stateVersion: s.stateVersion + 1 })));
    expect([graph.n, shell.n, tables.n]).toEqual([1, 1, 2]);
    act(() => setLab((s) => ({ batch: { ...s.batch, seq: s.batch.seq + 1 } })));
    expect([graph.n, shell.n, tables.n]).toEqual([2, 1, 2]);
    act(() => setLab({ shell: [...getLab().shell, { id: 1, input: 'conntrack -L', output: '', inserted: true }] }));
    expect([graph.n, shell.n, tables.n]).toEqual([2, 2, 2]);
  });
});
