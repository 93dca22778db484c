import { describe, expect, it } from 'vitest';
import { readNarration, type Narration } from '../../engine/script/narration';
import { notesState, readNotesMessage } from './notes';

const N = readNarration(['## title: T', '## checkpoint: One', '## note: first', '## note: second', 'sleep 1', '## checkpoint: Two', 'sleep 1'].join('\n')) as Narration;

describe('speaker notes', () => {
  it('carry the current and the next checkpoint', () => {
    expect(notesState(N, 0)).toEqual({ type: 'state', scenario: 'T', index: 0, count: 2, current: null, next: { title: 'One', notes: ['first', 'second'] } });
    expect(notesState(N, 2)).toEqual({ type: 'state', scenario: 'T', index: 2, count: 2, current: { title: 'Two', notes: [] }, next: null });
  });

  it('accept only well-formed messages', () => {
    expect(readNotesMessage({ type: 'hello' })).toEqual({ type: 'hello' });
    expect(readNotesMessage(notesState(N, 1))).toEqual(notesState(N, 1));
    expect(readNotesMessage({ type: 'state', index: 'x' })).toBeNull();
    expect(readNotesMessage('hello')).toBeNull();
  });
});
