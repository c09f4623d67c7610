/** A ChunkSink that writes a capture to a file in 4 MB batches (the bench captures are large). */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ChunkSink } from '../src/craft/capture-writer.js';

export function fileSink(path: string): { sink: ChunkSink; bytes(): number; close(): void } {
  const fd = openSync(path, 'w');
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let bytes = 0;
  const flush = (): void => {
    if (pendingLen > 0) writeSync(fd, Buffer.concat(pending));
    pending = [];
    pendingLen = 0;
  };
  return {
    sink(b) {
      pending.push(b);
      pendingLen += b.length;
      bytes += b.length;
      if (pendingLen >= 4 << 20) flush();
    },
    bytes: () => bytes,
    close() {
      flush();
      closeSync(fd);
    },
  };
}
