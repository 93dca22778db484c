/** One nf_flowtable per ct zone at the cursor, with its flow count. */
import { memo } from 'react';
import { useQuery } from '../session/useQuery';

export const FlowtablesView = memo(function FlowtablesView() {
  const answer = useQuery({ kind: 'flowtables' });
  if (!answer) return <p className="hint">Loading…</p>;
  if (answer.zones.length === 0) return <p className="hint">No flowtable yet: a ct action creates its zone's flowtable.</p>;
  return (
    <ul className="flowtables">
      {answer.zones.map((z) => (
        <li key={z.zone}>
          zone {z.zone}: {z.flows} {z.flows === 1 ? 'flow' : 'flows'}
        </li>
      ))}
    </ul>
  );
});
