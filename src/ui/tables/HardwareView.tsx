/** The NIC at the cursor, as `sim show nic` prints it: ports, rules, CT table use, queue, packets. */
import { memo } from 'react';
import { useQuery } from '../session/useQuery';

export const HardwareView = memo(function HardwareView() {
  const answer = useQuery({ kind: 'hardware' });
  return <pre className="mono-block">{answer?.text ?? 'Loading…'}</pre>;
});
