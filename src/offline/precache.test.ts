import { describe, expect, it } from 'vitest';
import { serviceWorkerSource } from './precache';

const filesOf = (src: string): string[] => JSON.parse(/const FILES = (.*);/.exec(src)![1]) as string[];
const cacheOf = (src: string): string => /const CACHE = '(.*)';/.exec(src)![1];

describe('the precaching service worker', () => {
  it('lists the page and every build file, relative to its own folder, but not itself', () => {
    const src = serviceWorkerSource(['assets/index-a.js', 'index.html', 'assets/sim.worker-b.js', 'sw.js']);
    expect(filesOf(src)).toEqual(['./', './assets/index-a.js', './assets/sim.worker-b.js', './index.html']);
  });

  it('names its cache after the build, so a new build replaces the old cache', () => {
    const a = serviceWorkerSource(['assets/index-a.js']);
    expect(cacheOf(a)).toMatch(/^ct-offload-lab-[0-9a-f]{12}$/);
    expect(cacheOf(serviceWorkerSource(['assets/index-a.js']))).toBe(cacheOf(a));
    expect(cacheOf(serviceWorkerSource(['assets/index-b.js']))).not.toBe(cacheOf(a));
  });

  it('is plain script the browser can run (it parses)', () => {
    expect(() => new Function(serviceWorkerSource(['a.js']))).not.toThrow();
  });
});
