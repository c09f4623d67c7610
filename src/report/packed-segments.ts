/**
 * Segment records packed for embedding in a page (the HTML report, the viewer's connection page).
 */
import type { SegmentRecord } from './model.js';

/**
 * A segment record as the report embeds it: its values in SEGMENT_KEYS order, `from` as 0
 * (client) or 1 (server), windowScaleKnown as 0 or 1, `t` to the nanosecond, absent options as
 * null (trailing ones left off). A third of the objects' size: a 40,000-segment connection is
 * 3 MB of page, not 8. The report and the viewer's connection page embed them so; ladder.js
 * unpacks them (tcplensLadder.unpackSegment).
 */
export type PackedSegment = (number | string | number[] | null)[];

/** The order of a packed segment's values; the first 13 are always there (relAck may be null), then the options. */
export const SEGMENT_KEYS = ['frame', 'ts', 't', 'from', 'flags', 'seq', 'ack', 'relSeq', 'relAck', 'len', 'win', 'windowSize', 'windowScaleKnown', 'mss', 'wscale', 'sackPermitted', 'tfo', 'tsval', 'tsecr', 'sack'] as const satisfies readonly (keyof SegmentRecord)[];

export function packSegment(s: SegmentRecord): PackedSegment {
  const row: PackedSegment = [s.frame, s.ts, Math.round(s.t * 1e9) / 1e9, s.from === 'client' ? 0 : 1, s.flags, s.seq, s.ack, s.relSeq, s.relAck, s.len, s.win, s.windowSize, s.windowScaleKnown ? 1 : 0];
  const optional = [s.mss, s.wscale, s.sackPermitted === true ? 1 : undefined, s.tfo, s.tsval, s.tsecr, s.sack];
  let last = optional.length - 1;
  while (last >= 0 && optional[last] === undefined) last--;
  for (let i = 0; i <= last; i++) row.push(optional[i] ?? null);
  return row;
}

