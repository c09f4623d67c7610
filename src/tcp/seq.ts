/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): the only place where sequence
 * numbers are compared. `<` between two raw sequence numbers anywhere else is a bug.
 */

/** Signed distance a − b, in (−2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLeq(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGeq(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** left ≤ x < left + size, modulo 2^32. */
export function seqInWindow(x: number, left: number, size: number): boolean {
  const d = seqDiff(x, left);
  return d >= 0 && d < size;
}

/** x relative to base, as an unsigned 32-bit offset (Wireshark's and Zeek's "relative" numbers). */
export function seqRel(x: number, base: number): number {
  return (x - base) >>> 0;
}
