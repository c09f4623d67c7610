/**
 * Times as people read them, tshark's `-t` formats:
 *
 *   iso       (-t ud)  2016-02-04 13:13:00.134854   UTC, the date and time of day
 *   epoch     (-t e)   1454591580.134854            seconds since 1970
 *   relative  (-t r)   12.000345                    since the capture's first frame
 *   delta     (-t dd)  0.000120                     since the previous frame shown
 *
 * with 6 digits after the point, or 9 when the capture's timestamps are finer than a
 * microsecond (nanosecond pcap, pcapng if_tsresol 10^-7…10^-9 or 2^-k), as tshark shows each
 * file at its own precision. Exact: the epoch strings (`SECONDS.NNNNNNNNN`) are split into
 * integer seconds and nanoseconds and every difference is integer arithmetic, never a float.
 * JSON carries ISO 8601 proper (`2016-02-04T13:13:00.134854Z`, isoTimestamp) beside the epoch
 * strings it keeps.
 */
import type { InterfaceInfo } from '../capture/frame.js';

export const TIME_MODES = ['iso', 'epoch', 'relative', 'delta'] as const;
export type TimeMode = (typeof TIME_MODES)[number];
export type TimeDigits = 6 | 9;

const NS = 1_000_000_000;
/** Dates JavaScript can hold (±8.64e15 ms): past them (a damaged clock, year 586524) the epoch is shown. */
const MAX_DATE_SECONDS = 8_640_000_000_000;

/** 9 when any interface stamps finer than a microsecond, else 6. */
export function timeDigits(interfaces: readonly Pick<InterfaceInfo, 'tsResolution'>[]): TimeDigits {
  for (const i of interfaces) {
    const m = /^(10|2)\^-(\d+)$/.exec(i.tsResolution);
    if (m === null) continue;
    if (m[1] === '2' || Number(m[2]) > 6) return 9;
  }
  return 6;
}

/** `SECONDS.NNNNNNNNN` (or fewer digits, or none) → [seconds, nanoseconds], exactly; null when it is not such a string. */
export function parseEpoch(s: string): [number, number] | null {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (m === null) return null;
  const sec = Number(m[1]);
  const frac = m[2] ?? '';
  return [sec, frac === '' ? 0 : Number(frac.padEnd(9, '0'))];
}

function fraction(nsec: number, digits: TimeDigits): string {
  const nine = String(nsec).padStart(9, '0');
  return digits === 9 ? nine : nine.slice(0, 6);
}

/** A span of seconds and nanoseconds (either sign) as `[-]S.FFFFFF`. */
function span(sec: number, nsec: number, digits: TimeDigits): string {
  let s = sec;
  let n = nsec;
  // Give both parts one sign: 1 s - 0.8 s is 0.2 s, -1 s + 0.8 s is -0.2 s.
  if (s > 0 && n < 0) {
    s -= 1;
    n += NS;
  } else if (s < 0 && n > 0) {
    s += 1;
    n -= NS;
  }
  const negative = s < 0 || n < 0;
  return `${negative ? '-' : ''}${Math.abs(s)}.${fraction(Math.abs(n), digits)}`;
}

const dayCache = { sec: Number.NaN, text: '' };

/** `2016-02-04 13:13:00.134854` (UTC): tshark -t ud; `iso` gives `2016-02-04T13:13:00.134854Z`. */
export function isoParts(sec: number, nsec: number, digits: TimeDigits, iso = false): string {
  if (Math.abs(sec) > MAX_DATE_SECONDS) return `${sec}.${fraction(nsec, digits)}`;
  let text: string;
  if (dayCache.sec === sec) text = dayCache.text;
  else {
    text = new Date(sec * 1000).toISOString().slice(0, 19);
    dayCache.sec = sec;
    dayCache.text = text;
  }
  return iso ? `${text}.${fraction(nsec, digits)}Z` : `${text.slice(0, 10)} ${text.slice(11)}.${fraction(nsec, digits)}`;
}

/** ISO 8601 in UTC for JSON (`2016-02-04T13:13:00.134854Z`) from an epoch string; null for null. */
export function isoTimestamp(epoch: string | null, digits: TimeDigits): string | null {
  if (epoch === null) return null;
  const p = parseEpoch(epoch);
  return p === null ? null : isoParts(p[0], p[1], digits, true);
}

/**
 * Formats the times of one listing in one mode. `origin` is the capture's first frame's time
 * (relative); delta counts from the previous time this formatter formatted (the first one
 * shown counts from itself: 0).
 */
export class TimeFormatter {
  private readonly originSec: number;
  private readonly originNsec: number;
  private prevSec = Number.NaN;
  private prevNsec = 0;

  constructor(
    readonly mode: TimeMode,
    readonly digits: TimeDigits,
    origin: string | null,
  ) {
    const o = origin === null ? null : parseEpoch(origin);
    this.originSec = o?.[0] ?? 0;
    this.originNsec = o?.[1] ?? 0;
  }

  /** A time given as seconds and nanoseconds. */
  parts(sec: number, nsec: number): string {
    switch (this.mode) {
      case 'iso':
        return isoParts(sec, nsec, this.digits);
      case 'epoch':
        return `${sec}.${fraction(nsec, this.digits)}`;
      case 'relative':
        return span(sec - this.originSec, nsec - this.originNsec, this.digits);
      case 'delta': {
        const first = Number.isNaN(this.prevSec);
        const text = first ? span(0, 0, this.digits) : span(sec - this.prevSec, nsec - this.prevNsec, this.digits);
        this.prevSec = sec;
        this.prevNsec = nsec;
        return text;
      }
    }
  }

  /** A time given as an epoch string (`SECONDS.NNNNNNNNN`); '-' for none. */
  text(epoch: string | null): string {
    if (epoch === null) return '-';
    const p = parseEpoch(epoch);
    return p === null ? epoch : this.parts(p[0], p[1]);
  }

  /** The column heading for these times. */
  get heading(): string {
    return this.mode === 'iso' ? 'time (UTC)' : this.mode === 'epoch' ? 'time (epoch s)' : this.mode === 'relative' ? 'time (s since first frame)' : 'delta (s)';
  }
}

/** The digits an ISO time of ours carries (9 or 6): how a reader of the JSON (the viewer) learns the capture's precision. */
export function digitsOfIso(iso: string | null | undefined): TimeDigits {
  const m = iso == null ? null : /\.(\d+)Z?$/.exec(iso);
  return m !== null && (m[1] ?? '').length === 9 ? 9 : 6;
}

/** A time of day for a ladder's narrow margin (`13:13:00.134854`) in iso mode; otherwise as the formatter shows it. */
export function shortLabel(time: TimeFormatter, epoch: string): string {
  const text = time.text(epoch);
  return time.mode === 'iso' && /^\d{4}-\d\d-\d\d /.test(text) ? text.slice(11) : text;
}

/** Each segment's time label for a ladder, in order (delta counts along the ladder). */
export function segmentLabels(mode: TimeMode, digits: TimeDigits, origin: string | null, segments: readonly { ts: string }[]): string[] {
  const time = new TimeFormatter(mode, digits, origin);
  return segments.map((s) => shortLabel(time, s.ts));
}
