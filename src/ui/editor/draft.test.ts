// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { DRAFT_STORAGE_KEY, clearDraft, loadDraft, saveDraft } from './draft';

describe('the editor draft', () => {
  beforeEach(() => localStorage.clear());

  it('survives in localStorage and is cleared', () => {
    expect(loadDraft()).toBeUndefined();
    saveDraft('tc qdisc add dev uplink ingress\n', 42, 1000);
    expect(loadDraft()).toEqual({ text: 'tc qdisc add dev uplink ingress\n', seed: 42, savedAt: 1000 });
    expect(JSON.parse(localStorage.getItem(DRAFT_STORAGE_KEY)!)).toEqual({ version: 1, text: 'tc qdisc add dev uplink ingress\n', seed: 42, savedAt: 1000 });
    clearDraft();
    expect(loadDraft()).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"version": 1,'],
    ['another version', JSON.stringify({ version: 2, text: 'x', seed: 1, savedAt: 0 })],
    ['a bad seed', JSON.stringify({ version: 1, text: 'x', seed: -1, savedAt: 0 })],
    ['no text', JSON.stringify({ version: 1, seed: 1, savedAt: 0 })],
    ['an array', '[]'],
  ])('ignores a stored draft that is %s', (_, stored) => {
    localStorage.setItem(DRAFT_STORAGE_KEY, stored);
    expect(loadDraft()).toBeUndefined();
  });
});
