/**
 * The packets sent so far by path class — software only, hardware, hardware miss → software,
 * dropped — as bars on one d3 scale, read from the worker's event list at the cursor.
 */
import { scaleLinear } from 'd3-scale';
import { memo } from 'react';
import { PATH_NAMES, type PathClassName } from '../../engine/path';
import { useQuery } from '../session/useQuery';

export const PATH_LABELS: Record<PathClassName, string> = {
  software: 'software only',
  hardware: 'hardware',
  miss: 'hardware miss → software',
  dropped: 'dropped',
};

/** Bar widths (0…100 %) of each class on a scale from 0 to the largest count. */
export function pathBars(counts: Record<PathClassName, number>): { name: PathClassName; count: number; width: number }[] {
  const max = Math.max(1, ...PATH_NAMES.map((n) => counts[n]));
  const x = scaleLinear().domain([0, max]).range([0, 100]);
  return PATH_NAMES.map((name) => ({ name, count: counts[name], width: x(counts[name]) }));
}

export const PathMix = memo(function PathMix() {
  const answer = useQuery({ kind: 'packets', offset: 0, limit: 0 });
  if (!answer) return <p className="hint">Loading…</p>;
  return (
    <figure className="path-mix">
      <figcaption>Packets by path, up to the cursor</figcaption>
      <ul>
        {pathBars(answer.counts).map((b) => (
          <li key={b.name}>
            <span className="path-label">{PATH_LABELS[b.name]}</span>
            <span className={`path-bar path-${b.name}`} style={{ width: `${b.width}%` }} />
            <span className="path-count">{b.count}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
});
