// @vitest-environment happy-dom
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TupleView } from '../../engine/events';
import { tupleLine } from './cells';
import { TupleCell } from './TupleCell';

const tcp: TupleView = { proto: 'tcp', src: '192.0.2.10', dst: '10.0.0.1', sport: 40000, dport: 80 };
const icmp: TupleView = { proto: 'icmp', src: '192.0.2.10', dst: '10.0.0.1', type: 8, code: 0, id: 7 };
const none = { src: false, dst: false, sport: false, dport: false };
const all = { src: true, dst: true, sport: true, dport: true };

describe('a tuple cell', () => {
  it('is one line of text', () => {
    expect(tupleLine(tcp)).toBe('192.0.2.10:40000 → 10.0.0.1:80');
    expect(tupleLine(icmp)).toBe('192.0.2.10 → 10.0.0.1 type=8 code=0 id=7');
  });

  it('reads the same with and without NAT marks; only a rewrite adds elements', () => {
    for (const t of [tcp, icmp]) {
      const plain = render(<TupleCell tuple={t} nat={none} />).container;
      const marked = render(<TupleCell tuple={t} nat={all} />).container;
      expect(plain.textContent).toBe(tupleLine(t));
      expect(marked.textContent).toBe(tupleLine(t));
      expect(plain.querySelector('.tuple')!.childNodes).toHaveLength(1);
      expect(marked.querySelectorAll('mark.nat')).toHaveLength(t === tcp ? 4 : 2);
      expect(plain.querySelector('.tuple')!.getAttribute('title')).toBe(marked.querySelector('.tuple')!.getAttribute('title'));
    }
  });
});
