/**
 * Where each node's four handles are (nodes.tsx draws them: `l` and `t` in, `r` and `b` out),
 * given to xyflow with the node so it never has to find them in the page.
 *
 * Without them, xyflow forgets a node's handles whenever the node's object changes (a counter
 * moved) and measures them again from the DOM: until then every edge of that node is removed
 * from the page, and the measure forces a layout. While playing, counters change with every
 * move, so edges were unmounted and mounted again several times a second.
 *
 * The geometry is xyflow's stylesheet's: a 6 px square centred on the middle of each side.
 */
import { Position, type NodeHandle } from '@xyflow/react';

const SIZE = 6;

export function handlesOf(w: number, h: number): NodeHandle[] {
  const half = SIZE / 2;
  const box = { width: SIZE, height: SIZE };
  return [
    { id: 'l', type: 'target', position: Position.Left, x: -half, y: h / 2 - half, ...box },
    { id: 'r', type: 'source', position: Position.Right, x: w - half, y: h / 2 - half, ...box },
    { id: 't', type: 'target', position: Position.Top, x: w / 2 - half, y: -half, ...box },
    { id: 'b', type: 'source', position: Position.Bottom, x: w / 2 - half, y: h - half, ...box },
  ];
}
