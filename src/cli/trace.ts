/**
 * The `--trace` sink: every SimEvent as one JSON object per line. Lines are batched into large
 * chunks because a busy scenario emits millions of events and one write per event would
 * dominate the run time.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { SimEvent } from '../engine/events';

const FLUSH_AT_CHARS = 1 << 16;

export class JsonLinesWriter {
  private pending = '';

  constructor(private readonly sink: (chunk: string) => void) {}

  write(event: SimEvent): void {
    this.pending += JSON.stringify(event) + '\n';
    if (this.pending.length >= FLUSH_AT_CHARS) this.flush();
  }

  flush(): void {
    if (this.pending === '') return;
    this.sink(this.pending);
    this.pending = '';
  }
}

export interface TraceTarget {
  writer: JsonLinesWriter;
  /** Flushes what is pending and releases the file. */
  close(): void;
}

/** Opens `path` for writing (truncating it), or standard error for `-`. Throws on fs errors. */
export function openTrace(path: string): TraceTarget {
  if (path === '-') {
    const writer = new JsonLinesWriter((chunk) => process.stderr.write(chunk));
    return { writer, close: () => writer.flush() };
  }
  const fd = openSync(path, 'w');
  const writer = new JsonLinesWriter((chunk) => writeSync(fd, chunk));
  return {
    writer,
    close: () => {
      writer.flush();
      closeSync(fd);
    },
  };
}
