/**
 * Copies of one segment sent again (a SYN, a FIN), per side, for the retransmission rules:
 * the first copy's frame and time, and lists only once a second copy is seen, so that the
 * many connections that send each segment once hold no arrays.
 */
import type { Side } from '../tcp/connection.js';

export interface Copies {
  firstFrame: number;
  firstTime: number;
  /** Every copy's frame and time, from the second copy on; null while sent once. */
  frames: number[] | null;
  times: number[] | null;
}

export type CopiesBySide = Record<Side, Copies | null>;

export function noCopies(): CopiesBySide {
  return { client: null, server: null };
}

export function recordCopy(m: CopiesBySide, side: Side, frame: number, time: number): void {
  const c = m[side];
  if (c === null) m[side] = { firstFrame: frame, firstTime: time, frames: null, times: null };
  else {
    (c.frames ??= [c.firstFrame]).push(frame);
    (c.times ??= [c.firstTime]).push(time);
  }
}
