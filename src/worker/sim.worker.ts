/**
 * The Web Worker that hosts the engine, so a long scenario never freezes the page. This is the
 * only module that touches the worker global scope; the UI talks to it through comlink.
 */
import { expose } from 'comlink';
import { Simulator, type RunResult } from '../engine/simulator';

const api = {
  /** Runs a whole scenario on a fresh simulator. */
  run(text: string, seed: number): RunResult {
    return new Simulator({ seed }).run(text);
  },
};

export type SimWorkerApi = typeof api;

expose(api, self);
