import type { Side } from '../../tcp/connection.js';
import type { Segment } from '../../tcp/segment.js';
import { seqDiff } from '../../tcp/seq.js';
import { defineAnomaly, type SegmentContext } from '../anomaly.js';

/**
 * Bytes of sequence space remembered per direction, and the segments that wrote them: the
 * bounded window of recent payload (Zeek's tcp_max_old_segments idea; Suricata compares with
 * its reassembly buffer). About 2.2 KB per direction, made at the direction's first payload.
 */
export const WINDOW = 2048;
const SEGMENTS = 16;
/** Bytes of each version shown in the finding. */
const SHOWN = 16;
/** Findings per connection. */
const MAX_REPORTS = 8;

class Window {
  /** One allocation: the ring of bytes, then the segment ring (start, length, frame). */
  private readonly mem = new ArrayBuffer(WINDOW + 3 * 4 * SEGMENTS);
  readonly bytes = new Uint8Array(this.mem, 0, WINDOW);
  /** First sequence number not yet written (the highest seen + 1). */
  hi = 0;
  started = false;
  /** The segments whose first copies are in `bytes`: start, length, frame (a ring). */
  readonly start = new Uint32Array(this.mem, WINDOW, SEGMENTS);
  readonly len = new Uint32Array(this.mem, WINDOW + 4 * SEGMENTS, SEGMENTS);
  readonly frame = new Uint32Array(this.mem, WINDOW + 8 * SEGMENTS, SEGMENTS);
  n = 0;
  next = 0;

  reset(): this {
    this.hi = 0;
    this.started = false;
    this.n = 0;
    this.next = 0;
    return this;
  }
}

/**
 * Windows of ended connections, reused by new ones (a capture of many short connections would
 * otherwise make and collect two windows per connection). Bounded; a window holds no reference
 * to its connection, so sharing the pool between analyses is harmless.
 */
const POOL: Window[] = [];
const POOL_MAX = 256;

function takeWindow(): Window {
  return POOL.pop()?.reset() ?? new Window();
}

interface Memo {
  client: Window | null;
  server: Window | null;
  reports: number;
}

const newMemo = (): Memo => ({ client: null, server: null, reports: 0 });

/** Buffer's native compare, called on the frame's bytes (any Uint8Array) without making views. */
const compareBytes = Buffer.prototype.compare as (this: Uint8Array, target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number) => number;

export default defineAnomaly({
  id: 'inconsistent-retransmission',
  severity: 'error',
  zeek: 'rexmit_inconsistency (TCP_Reassembler::Overlap)',
  wireshark: 'tcp.analysis.retransmission (the bytes are not compared)',
  doc: `Set when all of the following are true:
        - a segment carries payload, RST clear, its payload captured whole
        - part of its sequence range was sent before, in a segment still among the last ${SEGMENTS} of
          its sender within the last ${WINDOW} bytes of sequence space
        - the bytes differ there from the bytes first sent
        - it is not a keep-alive (one byte at the sequence number just below the next expected)
        This is how TCP injection shows on the wire: a forged segment racing the real one
        ("quantum insert"), or a middlebox rewriting data. Both versions' first bytes are shown.`,
  onSegment(ctx) {
    const seg = ctx.seg;
    if (seg.len === 0 || seg.rst || seg.bytes === null || seg.payloadCaptured < seg.len) return;
    const memo = ctx.memo(newMemo);
    let w = memo[ctx.side];
    if (w === null) w = memo[ctx.side] = takeWindow();
    const seq = seg.syn ? (seg.seq + 1) >>> 0 : seg.seq;
    if (!w.started) {
      w.started = true;
      w.hi = seq;
    }
    const end = (seq + seg.len) >>> 0;
    // Wireshark's keep-alive: one byte (or none) at next expected − 1. Its byte is garbage by design.
    const keepAlive = seg.len <= 1 && seqDiff(seq, w.hi) === -1;
    if (!keepAlive && seqDiff(seq, w.hi) < 0 && memo.reports < MAX_REPORTS) compare(ctx, memo, w, seg, seq, end);
    // Remember the bytes beyond what was seen (first copies only).
    if (seqDiff(end, w.hi) > 0) {
      const from = seqDiff(seq, w.hi) > 0 ? seq : w.hi;
      const skip = seqDiff(from, seq);
      const n = seqDiff(end, from);
      const base = seg.payloadOffset + skip;
      // At most the last WINDOW bytes matter; copied natively (a view of the frame, then set), in
      // two parts where the ring wraps.
      const keep = n > WINDOW ? WINDOW : n;
      const s0 = base + n - keep;
      const at = (((from + n - keep) >>> 0) % WINDOW) | 0;
      const first = keep < WINDOW - at ? keep : WINDOW - at;
      const src = seg.bytes;
      w.bytes.set(new Uint8Array(src.buffer, src.byteOffset + s0, first), at);
      if (first < keep) w.bytes.set(new Uint8Array(src.buffer, src.byteOffset + s0 + first, keep - first), 0);
      w.start[w.next] = from;
      w.len[w.next] = n;
      w.frame[w.next] = seg.frame;
      w.next = (w.next + 1) % SEGMENTS;
      if (w.n < SEGMENTS) w.n++;
      w.hi = end;
    }
  },
  onEnd(ctx) {
    const memo = ctx.seen<Memo>();
    if (memo === undefined) return;
    for (const w of [memo.client, memo.server]) if (w !== null && POOL.length < POOL_MAX) POOL.push(w);
    memo.client = null;
    memo.server = null;
  },
});

function compare(ctx: SegmentContext, memo: Memo, w: Window, seg: Segment, seq: number, end: number): void {
  const src = seg.bytes as Uint8Array;
  const oldest = (w.hi - WINDOW) >>> 0;
  for (let k = 0; k < w.n; k++) {
    const i = (w.next - 1 - k + SEGMENTS) % SEGMENTS;
    const s0 = w.start[i] as number;
    const e0 = (s0 + (w.len[i] as number)) >>> 0;
    // The overlap of [seq, end), the earlier segment and the window.
    let lo = seqDiff(seq, s0) > 0 ? seq : s0;
    if (seqDiff(oldest, lo) > 0) lo = oldest;
    const hiEnd = seqDiff(end, e0) < 0 ? end : e0;
    if (seqDiff(hiEnd, lo) <= 0) continue;
    const n = seqDiff(hiEnd, lo);
    const off = seg.payloadOffset + seqDiff(lo, seq);
    // Native comparison first (no allocation); the byte loop runs only when they differ.
    const at = (lo >>> 0) % WINDOW;
    const first = n < WINDOW - at ? n : WINDOW - at;
    if (compareBytes.call(src, w.bytes, at, at + first, off, off + first) === 0 && (first === n || compareBytes.call(src, w.bytes, 0, n - first, off + first, off + n) === 0)) continue;
    for (let j = 0; j < n; j++) {
      if (w.bytes[((lo + j) >>> 0) % WINDOW] === src[off + j]) continue;
      // Both versions from the first byte that differs.
      const shown = Math.min(SHOWN, n - j);
      const first = new Uint8Array(shown);
      for (let x = 0; x < shown; x++) first[x] = w.bytes[((lo + j + x) >>> 0) % WINDOW] as number;
      const again = src.subarray(off + j, off + j + shown);
      const firstFrame = w.frame[i] as number;
      memo.reports++;
      const side: Side = ctx.side;
      ctx.report(
        seg.frame,
        side,
        `the ${side} resent ${n} bytes first sent in frame ${firstFrame} with different content, from byte ${j} of them on: ` +
          `frame ${firstFrame} "${escape(first)}", frame ${seg.frame} "${escape(again)}"`,
        [firstFrame, seg.frame],
      );
      return;
    }
  }
}

/** Printable ASCII as is, the rest as \xNN (quotes and backslashes escaped). */
export function escape(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}
