/**
 * Buffer's native copy and compare, called on any Uint8Array (a frame's bytes inside a reader's
 * chunk) with offsets, so that no view object is made per call on a per-packet path.
 */

/** `source.copy(target, targetStart, sourceStart, sourceEnd)` for a Uint8Array source; returns the bytes copied. */
export const copyBytes = Buffer.prototype.copy as (this: Uint8Array, target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number) => number;

/** `source.compare(target, targetStart, targetEnd, sourceStart, sourceEnd)` for a Uint8Array source: 0 when equal. */
export const compareBytes = Buffer.prototype.compare as (this: Uint8Array, target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number;
