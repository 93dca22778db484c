import { describe, expect, it } from 'vitest';
import { ruleSummary } from './HardwareView';

describe('ruleSummary', () => {
  it('puts a filter on one line: match keys, then actions', () => {
    const text = `filter protocol ip pref 1 flower chain 0 handle 0x1 
  eth_type ipv4
  ip_proto tcp
  dst_port 80
  ct_state -trk
  in_hw in_hw_count 1
\taction order 1: ct zone 1 pipe
\t index 1 ref 1 bind 1

\taction order 2: gact action goto chain 2
\t random type none pass val 0
\t index 1 ref 1 bind 1
`;
    expect(ruleSummary(text)).toBe('ip_proto tcp dst_port 80 ct_state -trk → ct zone 1 pipe, goto chain 2');
  });
});
