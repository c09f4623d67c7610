/**
 * Wireshark's nstime_t arithmetic (wsutil/nstime.c): a time difference as whole seconds and
 * nanoseconds of the same sign, so an RTT is exact at any capture date (a double of
 * nanoseconds since 1970 is not). Durations compared with thresholds are computed as packet-tcp.c
 * does, as an unsigned 64-bit count of nanoseconds: a negative one (time going backwards) is
 * larger than any threshold.
 */

/** nstime_delta(b − c) into `out` ([secs, nsecs]). */
export function nstimeDelta(out: [number, number], bSec: number, bNsec: number, cSec: number, cNsec: number): void {
  let secs = bSec - cSec;
  let nsecs = bNsec - cNsec;
  if (bSec === cSec) {
    secs = 0;
  } else if (bSec < cSec) {
    if (nsecs > 0) {
      nsecs -= 1e9;
      secs++;
    }
  } else if (nsecs < 0) {
    nsecs += 1e9;
    secs--;
  }
  out[0] = secs;
  out[1] = nsecs;
}

/** A difference as tshark prints a relative time: "-"? seconds "." nine digits. */
export function formatDelta(secs: number, nsecs: number): string {
  const sign = secs < 0 || nsecs < 0 ? '-' : '';
  return `${sign}${Math.abs(secs)}.${String(Math.abs(nsecs)).padStart(9, '0')}`;
}

/** (t1 − t0) in ns as packet-tcp.c's guint64 `t`: Infinity when negative (it would wrap). */
export function elapsedNs(sec1: number, nsec1: number, sec0: number, nsec0: number): number {
  const t = (sec1 - sec0) * 1e9 + (nsec1 - nsec0);
  return t < 0 ? Infinity : t;
}
