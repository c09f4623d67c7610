/**
 * A reader's window over a byte stream that arrives in chunks: a record may start in one chunk
 * and end in the next, so the bytes not yet consumed are carried into the next window.
 */

/** The unconsumed bytes of `buf` (from `pos` on) followed by `chunk`; `chunk` itself when nothing is left over. */
export function carryOver(buf: Buffer, pos: number, chunk: Buffer): Buffer {
  return pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : chunk;
}

/** How far the stream offset of a window's first byte moves when the window is carried over. */
export function consumedBefore(buf: Buffer, pos: number): number {
  return pos < buf.length ? pos : buf.length;
}
