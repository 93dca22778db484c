/**
 * A value that follows another at most every `ms` milliseconds (the last one always lands).
 * Fast-forward brings a new state every frame or two; the graph's counters and rates are
 * read by people, so redrawing them a few times a second keeps frames for the rest.
 */
import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (ms <= 0) {
      setShown(value);
      return;
    }
    const wait = last.current + ms - performance.now();
    if (wait <= 0) {
      last.current = performance.now();
      setShown(value);
      return;
    }
    const id = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, ms]);
  return ms <= 0 ? value : shown;
}
