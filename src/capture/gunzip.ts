/**
 * gzip'd captures, decompressed with bounded memory and without losing what zlib produced.
 *
 * Why not `source.pipe(createGunzip())` and read its output: (1) a pipe forwards no errors, and
 * a feeder failing after its reader stopped had no listener, which ended the process (a gzip
 * of more than one read chunk whose start was rejected); (2) when zlib fails (a cut trailer
 * is "unexpected end of file", a bad CRC "incorrect data check") the stream is destroyed and
 * its async iterator drops output still buffered, so frames before a cut could vanish.
 *
 * Here gunzip is driven by hand: one compressed slice is written at a time, its output is taken
 * by a 'data' listener the moment zlib pushes it, and the next slice is written only after that
 * output was handed on. Memory is bounded by what one slice inflates to (deflate's ratio is at
 * most ~1032:1, so 16 MiB for a 16 KiB slice), and an error is seen only after everything
 * before it was delivered. zlib still drops the output of the write that fails, at most one
 * slice's worth.
 */
import { createGunzip } from 'node:zlib';

/** Compressed bytes written to zlib at once (see the file comment for the memory bound). */
const SLICE = 16 * 1024;

export interface GunzipState {
  /** The gzip stream ended before its trailer (CRC and size): cut while written or copied. */
  cut: boolean;
  /** Compressed bytes handed to zlib so far. */
  compressedBytes: number;
}

/**
 * Decompressed chunks of a gzip stream (members one after another, as gunzip(1) reads them).
 * A cut stream ends normally with state.cut set; other zlib errors (codes Z_*) are thrown after
 * the output before them. Stopping early (return()) destroys the zlib stream.
 */
export async function* gunzipChunks(compressed: AsyncIterable<Buffer>, state: GunzipState, chunkSize: number): AsyncGenerator<Buffer> {
  const zlib = createGunzip({ chunkSize });
  const out: Buffer[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const settled = (): Promise<void> => new Promise((resolve) => (wake = resolve));
  zlib.on('data', (c: Buffer) => out.push(c));
  zlib.on('error', (err: Error) => {
    failure ??= err;
    notify();
  });
  // Trailing bytes that are not another member end the output early (zlib ignores them).
  zlib.on('end', () => {
    ended = true;
    notify();
  });
  try {
    feed: for await (const chunk of compressed) {
      for (let at = 0; at < chunk.length; at += SLICE) {
        if (failure !== null || ended) break feed;
        const slice = chunk.subarray(at, at + SLICE);
        state.compressedBytes += slice.length;
        const done = settled();
        zlib.write(slice, notify);
        await done;
        while (out.length > 0) yield out.shift() as Buffer;
      }
    }
    if (failure === null && !ended) {
      const done = settled();
      zlib.end();
      await done;
    }
    while (out.length > 0) yield out.shift() as Buffer;
    if (failure !== null) {
      // inflate() wanted more input at the end of the file: the stream was cut short.
      if ((failure as { code?: unknown }).code === 'Z_BUF_ERROR') state.cut = true;
      else throw failure;
    }
  } finally {
    zlib.destroy();
  }
}
