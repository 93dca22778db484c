/**
 * The rows of a fixed-height list on screen in a scroll container (see rowWindow.ts): follows the
 * container's scroll offset and height, and renders again only when the window changes — a
 * scroll within the same rows renders nothing.
 */
import { useEffect, useReducer, useRef, type RefObject } from 'react';
import { rowWindow, sameWindow, type RowWindow } from './rowWindow';

export function useRowWindow(scroller: RefObject<HTMLElement | null>, total: number, rowHeight: number, overscan: number): RowWindow {
  const viewport = useRef({ top: 0, height: 0 });
  const [, render] = useReducer((n: number) => n + 1, 0);
  const shown = useRef<RowWindow | null>(null);
  const compute = () => rowWindow(viewport.current.top, viewport.current.height, total, rowHeight, overscan);
  const latest = useRef(compute);
  latest.current = compute;

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const read = () => {
      viewport.current = { top: el.scrollTop, height: el.clientHeight };
      if (!shown.current || !sameWindow(shown.current, latest.current())) render();
    };
    read();
    el.addEventListener('scroll', read, { passive: true });
    const resize = new ResizeObserver(read);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      resize.disconnect();
    };
  }, [scroller]);

  const win = compute();
  if (!shown.current || !sameWindow(shown.current, win)) shown.current = win;
  return shown.current;
}
