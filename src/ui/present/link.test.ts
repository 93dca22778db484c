import { describe, expect, it } from 'vitest';
import { checkpointError, linkTo, readPageLink } from './link';

describe('page links', () => {
  it('reads the mode, the library scenario and the checkpoint', () => {
    expect(readPageLink('')).toEqual({ mode: 'app' });
    expect(readPageLink('?present&checkpoint=3&scenario=library/talk-walkthrough')).toEqual({ mode: 'present', checkpoint: 3, scenario: 'library/talk-walkthrough' });
    expect(readPageLink('?embed&checkpoint=1')).toEqual({ mode: 'embed', checkpoint: 1 });
    expect(readPageLink('?notes')).toEqual({ mode: 'notes' });
  });

  it('says what is wrong with a checkpoint that is not a number', () => {
    expect(readPageLink('?present&checkpoint=two')).toEqual({ mode: 'present', error: 'checkpoint "two" is not a checkpoint number (1, 2, …)' });
    expect(readPageLink('?present&checkpoint=0').error).toBe('checkpoint "0" is not a checkpoint number (1, 2, …)');
    expect(readPageLink('?present&checkpoint=-1').error).toBe('checkpoint "-1" is not a checkpoint number (1, 2, …)');
  });

  it('checks a checkpoint against the scenario', () => {
    expect(checkpointError(2, 3)).toBeUndefined();
    expect(checkpointError(4, 3)).toBe('checkpoint 4 does not exist: this scenario has 3 checkpoints');
    expect(checkpointError(1, 0)).toBe('this scenario has no checkpoints (## checkpoint: lines; see "Narration" in the README)');
  });

  it('links to a mode and checkpoint keeping the scenario and the share hash', () => {
    const base = 'http://h/app/?scenario=library/x#s=abc';
    expect(linkTo(base, 'present', 2)).toBe('http://h/app/?scenario=library%2Fx&present&checkpoint=2#s=abc');
    expect(linkTo('http://h/?present&checkpoint=2#s=abc', 'app')).toBe('http://h/#s=abc');
    expect(linkTo('http://h/?present&checkpoint=2', 'notes')).toBe('http://h/?notes');
  });
});
