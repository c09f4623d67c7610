/** RFC 1071 Internet checksum over [start, end) of b, with an initial partial sum. */
export function onesComplementSum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += ((b[i] as number) << 8) | (b[i + 1] as number);
  if (i < end) sum += (b[i] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function finishChecksum(sum: number): number {
  return ~sum & 0xffff;
}
