/**
 * The events of the step at the cursor, in the order the engine produced them; event
 * stepping reveals them one by one (the rest are dimmed).
 */
import { memo } from 'react';
import type { SimEvent } from '../../engine/events';
import { useLab } from '../session/store';

export function eventLine(e: SimEvent): string {
  switch (e.kind) {
    case 'packet.inject':
      return `packet ${e.pkt} sent on ${e.dev}: ${e.summary}`;
    case 'packet.arrive':
      return `arrives on ${e.dev} ${e.hook} (${e.where})`;
    case 'packet.deliver':
      return `delivered to ${e.target} via ${e.dev} (${e.where})`;
    case 'packet.drop':
      return `dropped on ${e.dev} (${e.where}): ${e.reason}`;
    case 'tc.filter':
      return `${e.dev} chain ${e.chain} pref ${e.prio}: ${e.matched ? 'matched' : `no match (${e.skipped ?? e.failed.join(', ')})`}`;
    case 'tc.action':
      return `  action ${e.order}: ${e.text} → ${e.verdict}`;
    case 'ct.lookup':
      return `conntrack zone ${e.zone}: ${e.result}, ct_state ${e.ctState} (${e.stateBefore} → ${e.stateAfter})`;
    case 'hw.miss':
      return `hardware miss in ${e.table}: ${e.reason}; software resumes on ${e.resumeDev} chain ${e.resumeChain}${e.ctState ? ` with ct_state ${e.ctState}` : ''}`;
    case 'hw.table':
      return `hardware ${e.table} on ${e.dev}: ${e.hit ? 'hit' : 'miss'}`;
    case 'command':
      return `line ${e.line}: ${e.text}`;
    case 'timer':
      return `timer: ${e.name}`;
    default:
      return e.kind;
  }
}

export const StepEvents = memo(function StepEvents() {
  const events = useLab((s) => s.batch.events);
  const shown = useLab((s) => s.cursor.eventsShown);
  const inStep = useLab((s) => s.cursor.eventsInStep);
  // The batch may carry earlier steps' events too: the cursor's step is its tail.
  const step = events.slice(Math.max(0, events.length - inStep));
  if (step.length === 0) return <p className="hint">Nothing at the cursor yet: press Play or Step forward.</p>;
  return (
    <ol className="step-events">
      {step.map((e, i) => (
        <li key={i} className={i < shown ? '' : 'dim'}>
          {eventLine(e)}
        </li>
      ))}
    </ol>
  );
});
