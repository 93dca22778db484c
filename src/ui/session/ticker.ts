/**
 * The page's one requestAnimationFrame loop: playback and every animation subscribe to it,
 * so motion has one clock and one frame callback. It runs only while someone listens.
 */
export type Tick = (now: number, dt: number) => void;

const listeners = new Set<Tick>();
let frame = 0;
let last = 0;

function loop(now: number): void {
  const dt = last ? Math.min(100, now - last) : 16;
  last = now;
  for (const fn of [...listeners]) fn(now, dt);
  frame = listeners.size ? requestAnimationFrame(loop) : 0;
  if (!frame) last = 0;
}

export function onTick(fn: Tick): () => void {
  listeners.add(fn);
  if (!frame) frame = requestAnimationFrame(loop);
  return () => {
    listeners.delete(fn);
  };
}
