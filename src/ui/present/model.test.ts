import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNarration, type Narration } from '../../engine/script/narration';
import { Session } from '../../worker/session';
import { checkpointAt, checkpointFocus, counterText, cursorOf, focusPatterns, nextCheckpoint, previousCheckpoint, stepsOf, touchedNodes } from './model';

const FIXTURE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'library', 'fixtures', 'two-checkpoints.sim'), 'utf8');

describe('checkpoints and the cursor', () => {
  // three checkpoints ending at steps 6, 9 and 12
  const cursors = [6, 9, 12];

  it('puts each checkpoint at its cursor, the start at 0', () => {
    expect([0, 1, 2, 3].map((k) => cursorOf(cursors, k))).toEqual([0, 6, 9, 12]);
    expect(stepsOf(cursors, 1)).toEqual({ from: 0, to: 6 });
    expect(stepsOf(cursors, 3)).toEqual({ from: 9, to: 12 });
  });

  it('knows the checkpoint at any cursor: the last one reached', () => {
    expect([0, 5, 6, 7, 9, 11, 12, 40].map((s) => checkpointAt(cursors, s))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('goes next to the first checkpoint ahead, previous to the last one behind', () => {
    expect([0, 6, 7, 11, 12].map((s) => nextCheckpoint(cursors, s))).toEqual([1, 2, 2, 3, null]);
    expect([0, 3, 6, 7, 9, 12, 40].map((s) => previousCheckpoint(cursors, s))).toEqual([null, 0, 0, 1, 1, 2, 3]);
  });

  it('counts checkpoints for the audience', () => {
    expect(counterText(0, 3)).toBe('Start · 3 checkpoints');
    expect(counterText(0, 1)).toBe('Start · 1 checkpoint');
    expect(counterText(2, 3)).toBe('Checkpoint 2 of 3');
  });
});

describe('what a checkpoint brings into view', () => {
  it('maps each focus to graph node patterns', () => {
    expect(focusPatterns({ kind: 'device', dev: 'uplink' })).toEqual(['port:uplink', 'hw:uplink:*', 'sw:uplink:*:*']);
    expect(focusPatterns({ kind: 'device', dev: 'uplink', chain: 2 })).toEqual(['hw:uplink:2', 'sw:uplink:*:2']);
    expect(focusPatterns({ kind: 'conntrack' })).toEqual(['conntrack']);
    expect(focusPatterns({ kind: 'flowtable' })).toEqual(['ft:*']);
    expect(focusPatterns({ kind: 'hw' })).toEqual(['lane:hw']);
  });

  it("without a focus, the nodes the checkpoint's packets visit (the session's journeys)", () => {
    const narration = readNarration(FIXTURE) as Narration;
    const session = new Session();
    session.load(FIXTURE, 1);
    const cursors = session.lineEnds(narration.checkpoints.map((c) => c.lastCommandLine));
    expect(cursors).toEqual([7, 8]);
    const eventsOf = (k: number) => {
      const { from, to } = stepsOf(cursors, k);
      return session.packets.between(from, to, 50).flatMap((r) => session.journey(r.pkt));
    };
    // the client's SYN: the NIC's chain 0 and CT table miss it, software tracks it (flowtable
    // miss, conntrack), chain 2 commits it and redirects it to the VM
    expect(touchedNodes(eventsOf(1))).toEqual(['port:uplink', 'hw:uplink:0', 'hwct', 'sw:uplink:ingress:0', 'ft:1', 'conntrack', 'sw:uplink:ingress:2', 'end:vm0']);
    // the VM's SYN, dropped in rep0's chain 2
    expect(touchedNodes(eventsOf(2))).toEqual(['port:rep0', 'hw:rep0:0', 'hwct', 'sw:rep0:ingress:0', 'ft:1', 'conntrack', 'sw:rep0:ingress:2']);
    // the first checkpoint says where to look; the second does not
    expect(checkpointFocus(narration.checkpoints[0].focus, eventsOf(1))).toEqual(['hw:uplink:2', 'sw:uplink:*:2']);
    expect(checkpointFocus(narration.checkpoints[1].focus, eventsOf(2))).toEqual(touchedNodes(eventsOf(2)));
  });
});
