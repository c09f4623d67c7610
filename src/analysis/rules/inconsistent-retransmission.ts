import type { Side } from '../../tcp/connection.js';
import type { Segment } from '../../tcp/segment.js';
import { seqDiff } from '../../tcp/seq.js';
import { compareBytes, copyBytes } from '../../capture/native-bytes.js';
import { defineAnomaly, type SegmentContext } from '../anomaly.js';

/**
 * Bytes of sequence space remembered per direction, and the segments that wrote them: the
 * bounded window of recent payload (Zeek's tcp_max_old_segments idea; Suricata compares with
 * its reassembly buffer). At most WINDOW bytes and SEGMENTS segments per direction.
 */
export const WINDOW = 2048;
const SEGMENTS = 16;
/** The ring's first size: it doubles while the direction's payload so far outgrows it, up to WINDOW. */
const FIRST_SIZE = 256;
/** Bytes of each version shown in the finding. */
const SHOWN = 16;
/** Findings per connection. */
const MAX_REPORTS = 8;
/** The segment ring's fields, at i * META + field. */
const META = 3;
const START = 0;
const LEN = 1;
const FRAME = 2;

/**
 * One allocation: the segment ring (start, length, frame of each), then the ring of bytes, where
 * sequence number s is at s & mask.
 */
class Ring {
  readonly meta: Uint32Array;
  readonly bytes: Uint8Array;
  readonly mask: number;

  constructor(size: number) {
    const mem = new ArrayBuffer(META * 4 * SEGMENTS + size);
    this.meta = new Uint32Array(mem, 0, META * SEGMENTS);
    this.bytes = new Uint8Array(mem, META * 4 * SEGMENTS, size);
    this.mask = size - 1;
  }
}

/**
 * Rings of ended connections (and the smaller ones a growing window left), by size class
 * (FIRST_SIZE << class), reused by new ones. A ring's memory is malloc'd and freed only when a
 * full collection finds it dead, so a capture of many short connections would otherwise hold
 * the dead rings until then. At most POOL_BYTES per class (4 MB in all, kept for the life of
 * the thread: the viewer's analysis threads too); a ring holds nothing of its connection, so
 * sharing the pools between analyses is harmless.
 */
const POOLS: Ring[][] = [[], [], [], []];
const POOL_BYTES = 1 << 20;

function takeRing(size: number): Ring {
  return POOLS[Math.log2(size / FIRST_SIZE)]?.pop() ?? new Ring(size);
}

function giveRing(r: Ring): void {
  const size = r.mask + 1;
  const pool = POOLS[Math.log2(size / FIRST_SIZE)] as Ring[];
  if (pool.length * (size + META * 4 * SEGMENTS) < POOL_BYTES) pool.push(r);
}

/**
 * The window of one direction. Its bytes ring starts at FIRST_SIZE and grows only as far as
 * the direction's payload needs: most directions send less than WINDOW in all (the shared
 * generator's mix: 14,000 of 22,000), and the ring is the largest part of a connection's memory.
 */
class Window {
  ring = takeRing(FIRST_SIZE);
  /** The direction's first payload sequence number: every byte since is in the ring until it is WINDOW long. */
  first = 0;
  /** First sequence number not yet written (the highest seen + 1). */
  hi = 0;
  started = false;
  n = 0;
  next = 0;

  /**
   * Makes room for the bytes up to `end`: the ring holds every byte from `first` on while that
   * span is under WINDOW, so it grows to the span's next power of two, each byte moving to its
   * place in the larger ring.
   */
  fit(end: number): void {
    const old = this.ring;
    const size = old.mask + 1;
    if (size === WINDOW) return;
    const span = seqDiff(end, this.first);
    if (span > 0 && span <= size) return;
    let grown = size * 2;
    while (grown < WINDOW && grown < span) grown *= 2;
    if (span <= 0) grown = WINDOW; // a jump past 2^31: the whole window
    const ring = takeRing(grown);
    ring.meta.set(old.meta);
    const had = seqDiff(this.hi, this.first);
    for (let k = 0; k < had; k++) {
      const at = (this.first + k) >>> 0;
      ring.bytes[at & ring.mask] = old.bytes[at & old.mask] as number;
    }
    giveRing(old);
    this.ring = ring;
  }
}

interface Memo {
  client: Window | null;
  server: Window | null;
  reports: number;
}

const newMemo = (): Memo => ({ client: null, server: null, reports: 0 });

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
    if (w === null) w = memo[ctx.side] = new Window();
    const seq = seg.syn ? (seg.seq + 1) >>> 0 : seg.seq;
    if (!w.started) {
      w.started = true;
      w.first = seq;
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
      w.fit(end);
      const r = w.ring;
      // At most the ring's size of the last bytes matter; copied natively from the frame, in two
      // parts where the ring wraps.
      const size = r.mask + 1;
      const keep = n > size ? size : n;
      const s0 = base + n - keep;
      const at = ((from + n - keep) >>> 0) & r.mask;
      const first = keep < size - at ? keep : size - at;
      const src = seg.bytes;
      copyBytes.call(src, r.bytes, at, s0, s0 + first);
      if (first < keep) copyBytes.call(src, r.bytes, 0, s0 + first, s0 + keep);
      const m = w.next * META;
      r.meta[m + START] = from;
      r.meta[m + LEN] = n;
      r.meta[m + FRAME] = seg.frame;
      w.next = (w.next + 1) % SEGMENTS;
      if (w.n < SEGMENTS) w.n++;
      w.hi = end;
    }
  },
  onEnd(ctx) {
    const memo = ctx.seen<Memo>();
    if (memo === undefined) return;
    if (memo.client !== null) giveRing(memo.client.ring);
    if (memo.server !== null) giveRing(memo.server.ring);
    memo.client = null;
    memo.server = null;
  },
});

function compare(ctx: SegmentContext, memo: Memo, w: Window, seg: Segment, seq: number, end: number): void {
  const src = seg.bytes as Uint8Array;
  const { meta, bytes, mask } = w.ring;
  const size = mask + 1;
  // The ring holds the last `size` bytes (all of them since the first while under WINDOW).
  const oldest = (w.hi - size) >>> 0;
  for (let k = 0; k < w.n; k++) {
    const i = (w.next - 1 - k + SEGMENTS) % SEGMENTS;
    const s0 = meta[i * META + START] as number;
    const e0 = (s0 + (meta[i * META + LEN] as number)) >>> 0;
    // The overlap of [seq, end), the earlier segment and the window.
    let lo = seqDiff(seq, s0) > 0 ? seq : s0;
    if (seqDiff(oldest, lo) > 0) lo = oldest;
    const hiEnd = seqDiff(end, e0) < 0 ? end : e0;
    if (seqDiff(hiEnd, lo) <= 0) continue;
    const n = seqDiff(hiEnd, lo);
    const off = seg.payloadOffset + seqDiff(lo, seq);
    // Native comparison first (no allocation); the byte loop runs only when they differ.
    const at = lo & mask;
    const first = n < size - at ? n : size - at;
    if (compareBytes.call(src, bytes, at, at + first, off, off + first) === 0 && (first === n || compareBytes.call(src, bytes, 0, n - first, off + first, off + n) === 0)) continue;
    for (let j = 0; j < n; j++) {
      if (bytes[(lo + j) & mask] === src[off + j]) continue;
      // Both versions from the first byte that differs.
      const shown = Math.min(SHOWN, n - j);
      const first = new Uint8Array(shown);
      for (let x = 0; x < shown; x++) first[x] = bytes[(lo + j + x) & mask] as number;
      const again = src.subarray(off + j, off + j + shown);
      const firstFrame = meta[i * META + FRAME] as number;
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
