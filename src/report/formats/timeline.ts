/**
 * `tcplens timeline`: one connection's ladder in the terminal. One line per segment with its
 * time, direction, flags, relative seq/ack, length and scaled window; each side's state changes beside
 * it; Wireshark flags and anomalies inline.
 */
import { formatFlags } from '../../decode/format.js';
import type { ConnectionRecord, SegmentRecord, TransitionRecord } from '../model.js';
import { PLAIN, severityStyle, type Style } from './style.js';
import { TimeFormatter } from '../time-format.js';

/**
 * `time` formats each segment's time (--time: ISO in UTC by default, epoch, relative to the
 * capture's first frame, delta from the segment above); without it, seconds since the
 * connection's first packet.
 */
export function timelineText(c: ConnectionRecord, segments: SegmentRecord[], style: Style = PLAIN, time: TimeFormatter | null = null): string {
  const st = style;
  const client = `${c.client.ip}:${c.client.port}`;
  const server = `${c.server.ip}:${c.server.port}`;
  const out: string[] = [];
  out.push(st.bold(`connection ${c.id} (tcp.stream ${c.stream}): client ${client} → server ${server}${c.rolesInferred ? ' (roles inferred: no SYN seen)' : ''}`));
  const anchor = time === null ? null : new TimeFormatter(time.mode === 'epoch' ? 'epoch' : 'iso', time.digits, null);
  const span = anchor === null ? `${c.start} → ${c.end}` : `${anchor.text(c.start)} → ${anchor.text(c.end)}${anchor.mode === 'iso' ? ' UTC' : ''}`;
  out.push(`  ${span}, ${c.duration.toFixed(6)} s; Zeek ${c.zeek.conn_state} ${c.zeek.history}; final states ${c.states.client} / ${c.states.server}`);
  out.push('');
  const times = segments.map((s) => (time === null ? s.t.toFixed(6) : time.text(s.ts)));
  const heading = time === null ? 'time (s)' : time.mode === 'iso' ? 'time (UTC)' : time.mode === 'epoch' ? 'time (epoch s)' : time.mode === 'relative' ? 'time (s)' : 'delta (s)';
  const tw = Math.max(10, heading.length, ...times.map((t) => t.length));
  out.push(st.dim(`  ${'frame'.padStart(6)}  ${heading.padStart(tw)}  ${'client'.padEnd(14)}      ${'segment'.padEnd(34)}      ${'server'.padEnd(14)}`));
  let clientState = 'UNSEEN';
  let serverState = 'UNSEEN';
  // Everything shown beside a segment, by frame: one pass each, not one search per segment (a
  // ladder of 100,000 segments).
  const undoneAt = byFrame(c.transitions.filter((t) => t.evidence === 'contradicted'), (t) => t.evidenceFrame);
  const changesAt = byFrame(c.transitions, (t) => t.frame);
  const flagsAt = new Map(c.analysisFrames.map((f) => [f.frame, f] as const));
  const anomaliesAt = byFrame(c.anomalies, (a) => a.frame);
  const NONE: never[] = [];
  for (const [i, s] of segments.entries()) {
    // Later evidence first: a change contradicted at this frame did not happen; its side is back where it was.
    const undone = undoneAt.get(s.frame) ?? NONE;
    for (const t of undone) {
      if (t.side === 'client') clientState = t.from;
      else serverState = t.from;
    }
    const changes = changesAt.get(s.frame) ?? NONE;
    for (const t of changes) {
      if (t.side === 'client') clientState = t.to;
      else serverState = t.to;
    }
    const label = `${formatFlags(s.flags)} seq=${s.relSeq}${s.relAck !== null ? ` ack=${s.relAck}` : ''} len=${s.len} win=${windowText(s)}`;
    const arrow = s.from === 'client' ? `──${label}──▶` : `◀──${label}──`;
    const cs = changes.some((t) => t.side === 'client') ? st.cyan(clientState) : st.dim(clientState);
    const ss = changes.some((t) => t.side === 'server') ? st.cyan(serverState) : st.dim(serverState);
    out.push(`  ${String(s.frame).padStart(6)}  ${(times[i] ?? '').padStart(tw)}  ${pad(cs, clientState, 14)}  ${arrow}  ${ss}`);
    for (const t of undone) out.push(st.yellow(`  ${''.padStart(6)}  ${''.padStart(tw)}  ${t.side}: back to ${t.from}: the change to ${t.to} at frame ${t.frame} is ${t.why}`));
    for (const t of changes) out.push(st.dim(`  ${''.padStart(6)}  ${''.padStart(tw)}  ${t.side}: ${t.from} → ${t.to}: ${t.cause} (${t.rfc}) [${evidenceTag(t)}]`));
    const flags = flagsAt.get(s.frame);
    if (flags) out.push(st.yellow(`  ${''.padStart(8 + tw)}  [${flags.flags.join(', ')}]`));
    for (const a of anomaliesAt.get(s.frame) ?? NONE) out.push(severityStyle(st, a.severity)(`  ${''.padStart(8 + tw)}  ! ${a.id}: ${a.detail}`));
  }
  for (const t of c.transitions.filter((x) => x.projected)) out.push(st.dim(`  ${'-'.padStart(6)}  ${'projected'.padStart(tw)}  ${t.side}: ${t.from} → ${t.to}: ${t.cause}${anchor !== null ? ` (at ${anchor.text(t.ts)})` : ''}`));
  const atEnd = (['client', 'server'] as const).filter((s) => c.openAtEnd[s]).map((s) => `${s} still ${c.states[s]}`);
  if (atEnd.length > 0) out.push(st.dim(`  at the end of the capture: ${atEnd.join(', ')}`));
  for (const side of ['client', 'server'] as const) {
    const note = c.stateNotes?.[side];
    if (note) out.push(st.dim(`  ${side} ${c.states[side]}: ${note}`));
  }
  const shown = new Set(segments.map((s) => s.frame));
  const unframed = c.anomalies.filter((a) => !shown.has(a.frame));
  for (const a of unframed) out.push(severityStyle(st, a.severity)(`  ! ${a.id} (frame ${a.frame}): ${a.detail}`));
  return out.join('\n');
}

/** Items grouped by frame, in their order. */
function byFrame<T>(items: readonly T[], frameOf: (x: T) => number | null): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const x of items) {
    const f = frameOf(x);
    if (f === null) continue;
    const list = m.get(f);
    if (list === undefined) m.set(f, [x]);
    else list.push(x);
  }
  return m;
}

/** The scaled window (tcp.window_size); "×?" when the handshake was not seen, so its scale is unknown. */
function windowText(s: SegmentRecord): string {
  return s.windowScaleKnown ? String(s.windowSize) : `${s.win}×?`;
}

/** Pads by the visible width (styled text carries escape codes). */
function pad(styled: string, plain: string, width: number): string {
  return styled + ' '.repeat(Math.max(0, width - plain.length));
}

/** witnessed / inferred / contradicted, with the frames that decide it (README "How tcplens reads an endpoint's state"). */
function evidenceTag(t: TransitionRecord): string {
  if (t.evidence === 'contradicted') return `contradicted by frame${(t.contradictedBy?.length ?? 0) > 1 ? 's' : ''} ${(t.contradictedBy ?? []).join(', ')}`;
  if (t.evidence === 'inferred') return 'inferred: assumes the segment arrived when captured';
  return t.evidenceFrame !== null && t.evidenceFrame !== t.frame ? `witnessed by its frame ${t.evidenceFrame}` : 'witnessed';
}
