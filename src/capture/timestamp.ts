/**
 * 64-bit timestamps in interface units → integer seconds + nanoseconds, with no float and no
 * BigInt on the common path.
 *
 * pcapng (RFC-draft pcapng §4.2, if_tsresol): units are 10^-k s (high bit clear) or 2^-k s
 * (high bit set); the default is 10^-6. Epoch nanoseconds (~1.7e18) exceed 2^53, so the
 * 64-bit value is divided limb by limb (16 bits at a time: remainder·2^16 + limb stays below
 * 2^46 for divisors up to 10^9).
 */

export interface TimestampUnits {
  /** 10^k units per second, k in 0..9: the fast path. -1 when another resolution is used. */
  pow10: number;
  /** Units per second as a BigInt, for any other resolution (2^-k, 10^-12 …). */
  unitsPerSecond: bigint;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSec: number;
  label: string;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

export function timestampUnits(tsresol: number, offsetSec = 0): TimestampUnits {
  const exp = tsresol & 0x7f;
  if ((tsresol & 0x80) === 0) {
    return {
      pow10: exp <= 9 ? exp : -1,
      unitsPerSecond: 10n ** BigInt(exp),
      offsetSec,
      label: `10^-${exp}`,
    };
  }
  return { pow10: -1, unitsPerSecond: 1n << BigInt(exp), offsetSec, label: `2^-${exp}` };
}

export const MICROSECONDS: TimestampUnits = timestampUnits(6);

/** Result slots, reused: read them right after calling splitTimestamp. */
export const splitResult = { sec: 0, nsec: 0 };

/** Splits hi·2^32 + lo units into splitResult.sec / splitResult.nsec. */
export function splitTimestamp(hi: number, lo: number, units: TimestampUnits): void {
  const k = units.pow10;
  if (k >= 0) {
    const d = POW10[k] as number;
    let r = 0;
    let t = r * 65536 + (hi >>> 16);
    const q3 = Math.floor(t / d);
    r = t - q3 * d;
    t = r * 65536 + (hi & 0xffff);
    const q2 = Math.floor(t / d);
    r = t - q2 * d;
    t = r * 65536 + (lo >>> 16);
    const q1 = Math.floor(t / d);
    r = t - q1 * d;
    t = r * 65536 + (lo & 0xffff);
    const q0 = Math.floor(t / d);
    r = t - q0 * d;
    splitResult.sec = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0 + units.offsetSec;
    splitResult.nsec = r * (POW10[9 - k] as number);
    return;
  }
  // Rare resolutions (2^-k, finer than 1 ns): exact BigInt arithmetic, truncating to 1 ns.
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  const u = units.unitsPerSecond;
  const sec = v / u;
  splitResult.sec = Number(sec) + units.offsetSec;
  splitResult.nsec = Number(((v - sec * u) * 1_000_000_000n) / u);
}

const NSEC_PAD = '000000000';

/** `SECONDS.NNNNNNNNN`, exact: the API's timestamp string. */
export function formatTimestamp(sec: number, nsec: number): string {
  const frac = String(nsec);
  return `${sec}.${NSEC_PAD.slice(frac.length)}${frac}`;
}
