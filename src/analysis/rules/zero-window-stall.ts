import { Flag } from '../flags/flag-bits.js';
import { defineAnomaly, type SegmentContext } from '../anomaly.js';
import type { Side } from '../../tcp/connection.js';

/** One side's zero window, from the segment that closed it. */
interface Stall {
  startFrame: number;
  start: number;
  probes: number;
  /** Frames of the probes (the first few). */
  probeFrames: number[];
  /** Set when a segment of the stalled side opened the window again. */
  endFrame: number;
  end: number;
}

type Stalls = Record<Side, Stall | null>;

const MAX_PROBE_FRAMES = 5;

function probesText(s: Stall): string {
  if (s.probes === 0) return 'no probes; data followed as soon as it opened';
  return `${s.probes} probe${s.probes === 1 ? '' : 's'} (frames ${s.probeFrames.join(', ')}${s.probes > s.probeFrames.length ? ', …' : ''})`;
}

/** A stall the window's opening ended. */
function report(ctx: SegmentContext, s: Stall, who: Side, minSeconds: number): void {
  const duration = s.end - s.start;
  if (duration < minSeconds) return;
  ctx.report(s.startFrame, who, `the ${who} advertised a zero window for ${duration.toFixed(3)} s, from frame ${s.startFrame} until frame ${s.endFrame} opened it, while the ${who === 'client' ? 'server' : 'client'} had data to send: ${probesText(s)}`);
}

export default defineAnomaly({
  id: 'zero-window-stall',
  severity: 'warning',
  wireshark: 'tcp.analysis.zero_window, then tcp.analysis.zero_window_probe or keep_alive from the peer',
  rfc: 'RFC 9293 §3.8.6.1',
  doc: `Set when all of the following are true:
        - a side advertises a zero window (Wireshark's tcp.analysis.zero_window: window 0, no SYN, FIN or RST)
        - it keeps the window shut until a later segment of its own opens it, or until the connection or the capture ends
        - that lasts at least --zero-window-stall seconds (default 0.5)
        - the peer had data to send: it probed the shut window (tcp.analysis.zero_window_probe, or a keep-alive, which is how Linux probes), or sent payload as soon as the window opened
        Reported once per stall, with its duration, the probes and the frames that shut and opened the window: the receiving application stopped reading.`,
  onSegment(ctx, opts) {
    const bits = ctx.wireshark.frameFlags;
    const { seg, side, peerSide } = ctx;
    let memo = ctx.seen<Stalls>();
    if (memo === undefined) {
      if ((bits & Flag.zero_window) === 0) return;
      memo = ctx.memo<Stalls>(() => ({ client: null, server: null }));
    }
    // The sender's own window.
    const own = memo[side];
    if ((bits & Flag.zero_window) !== 0) {
      if (own === null || own.endFrame !== 0) memo[side] = { startFrame: seg.frame, start: seg.time, probes: 0, probeFrames: [], endFrame: 0, end: 0 };
    } else if (own !== null && own.endFrame === 0 && seg.win > 0 && !seg.rst) {
      own.endFrame = seg.frame;
      own.end = seg.time;
      if (own.probes > 0) {
        report(ctx, own, side, opts.zeroWindowStallSeconds);
        memo[side] = null;
      }
    }
    // The peer's window, as this segment's sender sees it.
    const peer = memo[peerSide];
    if (peer === null) return;
    if (peer.endFrame === 0) {
      if ((bits & (Flag.zero_window_probe | Flag.keep_alive)) !== 0) {
        peer.probes++;
        if (peer.probeFrames.length < MAX_PROBE_FRAMES) peer.probeFrames.push(seg.frame);
      }
    } else {
      // The first segment after the window opened: payload shows data was waiting.
      if (seg.len > 0) report(ctx, peer, peerSide, opts.zeroWindowStallSeconds);
      memo[peerSide] = null;
    }
  },
  onEnd(ctx, opts) {
    const memo = ctx.seen<Stalls>();
    if (memo === undefined) return;
    for (const who of ['client', 'server'] as const) {
      const s = memo[who];
      if (s === null || s.endFrame !== 0 || s.probes === 0) continue;
      const end = ctx.atCaptureEnd ? ctx.captureEnd : ctx.conn.lastTime;
      const duration = end - s.start;
      if (duration < opts.zeroWindowStallSeconds) continue;
      ctx.report(s.startFrame, who, `the ${who} advertised a zero window for ${duration.toFixed(3)} s, from frame ${s.startFrame} until the ${ctx.atCaptureEnd ? 'capture' : 'connection'} ended, while the ${who === 'client' ? 'server' : 'client'} had data to send: ${probesText(s)}`);
    }
  },
});
