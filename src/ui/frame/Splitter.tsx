/**
 * A focusable window splitter (WAI-ARIA "window splitter" pattern): drag it, or focus it and use
 * the arrow keys (Shift for bigger steps, Home/End for the limits). It reports weight changes for
 * the two panes beside it; the layout functions decide the clamping.
 */
import { useRef } from 'react';
import { moveSplitter, splitterKeyStep, splitterPercent, type Direction } from './layout';

interface SplitterProps {
  /** The split's direction: panes side by side ('row') give a vertical splitter. */
  direction: Direction;
  label: string;
  /** Weights of the split's expanded panes, and this splitter's place after pane `index`. */
  weights: readonly number[];
  index: number;
  controls: string;
  onChange: (weights: number[]) => void;
}

export function Splitter({ direction, label, weights, index, controls, onChange }: SplitterProps) {
  const drag = useRef<{ start: number; pairPx: number; weights: readonly number[] } | null>(null);
  const total = weights.reduce((a, b) => a + b, 0);
  const coordinate = (e: React.PointerEvent) => (direction === 'row' ? e.clientX : e.clientY);

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const before = e.currentTarget.previousElementSibling?.getBoundingClientRect();
    const after = e.currentTarget.nextElementSibling?.getBoundingClientRect();
    if (!before || !after) return;
    const pairPx = direction === 'row' ? before.width + after.width : before.height + after.height;
    if (pairPx <= 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
    drag.current = { start: coordinate(e), pairPx, weights };
  };
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    // Pixels to weight through the two panes beside the splitter, whatever the rest of the split holds.
    const pairWeight = d.weights[index] + d.weights[index + 1];
    onChange(moveSplitter(d.weights, index, ((coordinate(e) - d.start) / d.pairPx) * pairWeight));
  };
  const endDrag = () => {
    drag.current = null;
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const step = splitterKeyStep(e.key, e.shiftKey, direction);
    if (step === undefined) return;
    e.preventDefault();
    onChange(moveSplitter(weights, index, (step / 100) * total));
  };

  return (
    <div
      role="separator"
      tabIndex={0}
      aria-label={label}
      aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={splitterPercent(weights, index)}
      aria-controls={controls}
      className={`splitter splitter-${direction}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onKeyDown={onKeyDown}
    />
  );
}
