/**
 * The JSON view-models every output is built from: plain objects (no classes, Maps or byte
 * arrays), so the CLI formats, the HTML report and the web viewer all show the same facts.
 * Field names are an API (README "analyze JSON").
 */
import { isoParts, isoTimestamp, timeDigits, type TimeDigits } from './time-format.js';
import { completenessLabel, zeekConnState, type ConnState } from '../analysis/conn-summary.js';
import type { ConnectionAnalysis } from '../analysis/connection-analysis.js';
import type { DirectionStats } from '../analysis/direction-stats.js';
import type { FlaggedFrame } from '../analysis/flags/sequence-analysis.js';
import type { Finding } from '../analysis/anomaly.js';
import type { AnomalyId } from '../analysis/anomaly-ids.js';
import type { TrackerWarning } from '../tcp/tracker.js';
import type { CaptureInfo } from '../capture/frame.js';
import { formatTimestamp } from '../capture/timestamp.js';
import type { Connection, Contradiction, Evidence, Side, StateChange } from '../tcp/connection.js';
import type { EndpointState } from '../tcp/state.js';
import type { ZeekSession } from '../tcp/zeek/session.js';
import { ZeekTrack } from '../tcp/zeek/track.js';

/** A state change as reports show it: the tracker's StateChange with its side and a text timestamp. */
export type TransitionRecord = Omit<StateChange, 'endpoint' | 'tsSec' | 'tsNsec'> & {
  side: Side;
  ts: string;
  /** The evidence in words, for the row and the tooltip. */
  why: string;
};

/** One segment of a kept connection, as the timeline shows it. */
export interface SegmentRecord {
  frame: number;
  ts: string;
  /** Seconds since the connection's first packet. */
  t: number;
  from: 'client' | 'server';
  flags: number;
  seq: number;
  ack: number;
  /** Sequence and acknowledgment numbers relative to each side's base (Wireshark's relative numbers). */
  relSeq: number;
  relAck: number | null;
  len: number;
  /** The raw window field, and tcp.window_size: scaled by the handshake's window scale when known. */
  win: number;
  windowSize: number;
  /** False when the handshake was not captured, so the scale is unknown (Wireshark's "scaling unknown"). */
  windowScaleKnown: boolean;
  /** Options, each only when the segment carries it: MSS (tcp.options.mss_val), the window scale's shift count (tcp.options.wscale.shift), SACK-permitted, TCP Fast Open (0: a cookie request, else the cookie's length in bytes). */
  mss?: number;
  wscale?: number;
  sackPermitted?: true;
  tfo?: number;
  /** RFC 7323 timestamps (tcp.options.timestamp.tsval, tsecr), when present. */
  tsval?: number;
  tsecr?: number;
  /** SACK blocks (RFC 2018) as left, right, … edges relative to the peer's base, like relAck (tcp.options.sack_le, sack_re). */
  sack?: number[];
}

/** One weird.log entry (zeek/zeek base/frameworks/notice/weird.zeek Weird::Info, TCP weirds). */
export interface ZeekWeirdRecord {
  ts: string;
  frame: number;
  name: string;
  addl: string;
  source: string;
}

export interface ZeekRecord {
  /** The row's first packet (conn.log ts): a split connection's later rows start later. */
  ts: string;
  uid: string;
  orig_h: string;
  orig_p: number;
  resp_h: string;
  resp_p: number;
  /** conn.log leaves duration (and the byte counts) unset when it is 0. */
  duration: number | null;
  conn_state: ConnState;
  history: string;
  orig_bytes: number;
  resp_bytes: number;
  orig_pkts: number;
  resp_pkts: number;
  orig_ip_bytes: number;
  resp_ip_bytes: number;
  missed_bytes: number;
  /** What ended the row: a Zeek timer (attempt, inactivity, expire, close, …), reuse, or the end of the capture. */
  ended_by: string;
  weirds: ZeekWeirdRecord[];
}

/** RTT samples, seconds (null without samples). */
export interface RttFigures {
  samples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
}

/**
 * What one side sent, as `tcptrace -l -r` reports a direction (analysis/direction-stats.ts has
 * the definitions and the tcptrace functions they follow).
 */
export interface DirectionFigures {
  packets: number;
  ackPackets: number;
  pureAcks: number;
  /** Segments with payload and their payload bytes (tcptrace "actual data pkts/bytes"). */
  dataPackets: number;
  dataBytes: number;
  /** Payload bytes sent for the first time (tcptrace "unique bytes sent"). */
  uniqueBytes: number;
  /** Segments that resent sequence space, and the sequence bytes resent (a resent SYN or FIN counts 1). */
  retransmittedPackets: number;
  retransmittedBytes: number;
  /** Segments sent while the peer's last window was zero (tcptrace "zwnd probe pkts/bytes"). */
  zeroWindowProbes: number;
  zeroWindowProbeBytes: number;
  outOfOrderPackets: number;
  synCount: number;
  finCount: number;
  /** Options seen from this side (on its SYN, in practice): MSS, the window scale it asked for (null: none), timestamps, SACK-permitted. */
  mss: number | null;
  windowScale: number | null;
  timestamps: boolean;
  sackPermitted: boolean;
  /** Advertised windows in bytes, scaled when both sides asked for scaling; min is the smallest non-zero one. */
  windowMin: number;
  windowMax: number;
  /** ACKs advertising a zero window. */
  zeroWindows: number;
  /** RTT of this side's segments, from the peer's ACKs (Karn: never a resent segment) and from timestamp echoes. */
  rtt: RttFigures;
  rttTimestamps: RttFigures;
  /** uniqueBytes / the connection's duration, bytes per second (null for a zero duration). */
  throughput: number | null;
}

export interface ConnectionRecord {
  id: number;
  /** Wireshark's tcp.stream (0-based): the same frames, numbered as tshark numbers them. */
  stream: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  rolesInferred: boolean;
  firstFrame: number;
  lastFrame: number;
  start: string;
  end: string;
  /** `start` and `end` as ISO 8601 in UTC (`2016-02-04T13:13:00.134854Z`), 6 or 9 digits as the capture's timestamps (report/time-format.ts). */
  startIso: string | null;
  endIso: string | null;
  duration: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  states: { client: EndpointState; server: EndpointState };
  /** States still open when the capture ended (TIME-WAIT's end is projected instead). */
  openAtEnd: { client: boolean; server: boolean };
  /** What the final state rests on, when it needs saying (an UNSEEN server, a client still in SYN-SENT). */
  stateNotes: { client: string | null; server: string | null };
  transitions: TransitionRecord[];
  /** Zeek's row for the connection's first packet (the first of zeekRows). */
  zeek: ZeekRecord;
  /** Every conn.log row Zeek writes for these packets: more than one when Zeek's timers or a reuse split the connection. */
  zeekRows: ZeekRecord[];
  completeness: number;
  completenessLabel: string;
  irtt: number | null;
  analysis: Record<string, number>;
  /** The frames that carry Wireshark analysis flags, and which (capped at 200,000 per connection). */
  analysisFrames: FlaggedFrame[];
  /** Per side, what it sent: tcptrace's per-direction figures. */
  figures: { client: DirectionFigures; server: DirectionFigures };
  anomalies: Finding<AnomalyId>[];
}

export interface CaptureRecord {
  file: string;
  format: string | null;
  gzip: boolean;
  byteOrder: string | null;
  linkTypes: number[];
  packets: number;
  tcpPackets: number;
  bytes: number;
  first: string | null;
  last: string | null;
  /** `first` and `last` as ISO 8601 in UTC. */
  firstIso: string | null;
  lastIso: string | null;
  comments: string[];
  warnings: { code: string; offset: number; message: string }[];
  error: { code: string; offset: number; message: string } | null;
}

/** A connection that stood still (report/performance.ts gathers them). */
export interface StalledConnection {
  id: number;
  stream: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  /** Its stall findings (the first of each kind): id, frame, side, detail. */
  stalls: { id: string; frame: number; side: string | null; detail: string }[];
}

/** The capture's performance at a glance (report/performance.ts; the JSON document's and ndjson summary's "performance"). */
export interface PerformanceSummary {
  /** Wireshark's initial RTT (SYN to the ACK of the SYN,ACK) of the connections that have one, seconds; nearest-rank percentiles. */
  handshakeRtt: { connections: number; min: number | null; median: number | null; p95: number | null; max: number | null };
  /** Payload bytes sent (both directions, all connections) and the part that repeated bytes already sent (tcptrace: actual − unique − probe bytes). */
  payloadBytes: number;
  retransmittedPayloadBytes: number;
  /** retransmittedPayloadBytes / payloadBytes, or null without payload. */
  retransmittedShare: number | null;
  stalled: { count: number; connections: StalledConnection[] };
}

export interface AnalysisDocument {
  tcplens: 1;
  capture: CaptureRecord;
  connections: ConnectionRecord[];
  anomalies: Finding<AnomalyId>[];
  /** About the analysis, not the file: CONNECTION_LIMIT, with the frame where it began. */
  warnings: TrackerWarning[];
  /** The connections' handshake RTTs, resent payload and stalls (report/performance.ts). */
  performance: PerformanceSummary;
}

export interface BuildOptions {
  /** 2×MSL, seconds: when TIME-WAIT's end is projected. */
  twoMsl: number;
  /** True when the connection ended with the capture (states still open). */
  atCaptureEnd: boolean;
  /** Makes Zeek uids unique across captures (see captureUidSeed); empty: uids unique within the capture only. */
  uidSeed?: string;
  /** Digits of a second in the ISO times (report/time-format.ts timeDigits): 6 unless the capture stamps finer. */
  timeDigits?: TimeDigits;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(n: number, width: number): string {
  let s = '';
  let x = Math.floor(n);
  do {
    s = BASE62[x % 62] + s;
    x = Math.floor(x / 62);
  } while (x > 0);
  return s.padStart(width, '0');
}

/**
 * A capture's uid seed: 48 bits of FNV-1a over the capture's name and its first TCP frame's
 * time and bytes, as 9 base-62 characters. Zeek's uids are random; ours are derived so that a
 * re-run gives the same uids, yet logs of different captures can be merged.
 */
export function captureUidSeed(name: string, tsSec: number, tsNsec: number, bytes: Uint8Array): string {
  // Two 32-bit FNV-1a lanes (different offset bases) give 64 bits; 48 are kept.
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  const mix = (b: number): void => {
    h1 = Math.imul(h1 ^ b, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ b, 0x01000193) >>> 0;
    h2 = (h2 ^ (h1 >>> 13)) >>> 0;
  };
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    mix(c & 0xff);
    mix(c >>> 8);
  }
  for (const v of [tsSec, tsNsec]) for (let k = 0; k < 4; k++) mix((v >>> (8 * k)) & 0xff);
  for (let i = 0; i < bytes.length; i++) mix(bytes[i] as number);
  return base62((h1 & 0xffff) * 4294967296 + h2, 9);
}

/**
 * Zeek-style uid: "C", the capture's seed, the connection id (6 base-62 characters) and, for a
 * connection Zeek split, the row's index. Unique within a capture by construction (fixed widths),
 * across captures as long as their seeds differ.
 */
export function zeekUid(id: number, row = 0, seed = ''): string {
  return `C${seed}${base62(id, 6)}${row > 0 ? base62(row, 1) : ''}`;
}

/** One conn.log row: a Zeek session of the connection, with the addresses Zeek gives it. */
export function zeekRecord(conn: Connection, z: ZeekSession, row: number, seed: string): ZeekRecord {
  const origIsA = ZeekTrack.origIsA(z);
  const origAddr = origIsA ? conn.addrA : conn.addrB;
  const respAddr = origIsA ? conn.addrB : conn.addrA;
  const duration = z.duration;
  const uid = zeekUid(conn.id, row, seed);
  return {
    ts: formatTimestamp(z.startSec, z.startNsec),
    uid,
    orig_h: origAddr.ip,
    orig_p: origAddr.port,
    resp_h: respAddr.ip,
    resp_p: respAddr.port,
    duration: duration > 0 ? round6(duration) : null,
    conn_state: zeekConnState(z),
    history: z.history,
    orig_bytes: z.orig.size(),
    resp_bytes: z.resp.size(),
    orig_pkts: z.orig.packets,
    resp_pkts: z.resp.packets,
    orig_ip_bytes: z.orig.ipBytes,
    resp_ip_bytes: z.resp.ipBytes,
    missed_bytes: z.missedBytes,
    ended_by: z.removed ?? 'end',
    weirds: z.weirds.map((w) => ({ ts: formatTimestamp(w.tsSec, w.tsNsec), frame: w.frame, name: w.name, addl: w.addl, source: w.source })),
  };
}

export function buildConnectionRecord(conn: Connection, analysis: ConnectionAnalysis, opts: BuildOptions): ConnectionRecord {
  const clientEp = conn.endpointOf('client');
  const serverEp = conn.endpointOf('server');
  const transitions: TransitionRecord[] = conn.changes.map((c) => transitionRecord(conn, c));
  // TIME-WAIT's end is never seen on the wire: project it at 2×MSL (RFC 9293 §3.6.1).
  for (const ep of ['a', 'b'] as const) {
    const endpoint = ep === 'a' ? conn.a : conn.b;
    if (endpoint.state !== 'TIME-WAIT') continue;
    const entered = [...conn.changes].reverse().find((c) => c.endpoint === ep && c.to === 'TIME-WAIT');
    if (entered === undefined) continue;
    const nsTotal = entered.tsNsec + Math.round((opts.twoMsl % 1) * 1e9);
    transitions.push({
      side: conn.sideOf(ep),
      from: 'TIME-WAIT',
      to: 'CLOSED',
      frame: null,
      ts: formatTimestamp(entered.tsSec + Math.floor(opts.twoMsl) + Math.floor(nsTotal / 1e9), nsTotal % 1e9),
      cause: `2×MSL (${opts.twoMsl} s) after entering TIME-WAIT: projected, never seen on the wire`,
      rfc: 'RFC 9293 §3.6.1',
      projected: true,
      evidence: 'inferred',
      evidenceFrame: null,
      contradictedBy: null,
      contradiction: null,
      why: 'projected: TIME-WAIT ends 2×MSL after it began, and nothing on the wire shows it',
    });
  }
  const seed = opts.uidSeed ?? '';
  const zeekRows = conn.zeekTrack.sessions.map((z, i) => zeekRecord(conn, z, i + conn.zeekTrack.droppedRows * (i > 0 ? 1 : 0), seed));
  const duration = conn.lastSec - conn.firstSec + (conn.lastNsec - conn.firstNsec) / 1e9;
  const analysisCounts: Record<string, number> = {};
  for (const [k, v] of Object.entries(analysis.sequence.counts)) if (v) analysisCounts[k] = v;
  return {
    id: conn.id,
    stream: conn.stream,
    client: { ...conn.address('client') },
    server: { ...conn.address('server') },
    rolesInferred: conn.rolesInferred,
    firstFrame: conn.firstFrame,
    lastFrame: conn.lastFrame,
    start: formatTimestamp(conn.firstSec, conn.firstNsec),
    end: formatTimestamp(conn.lastSec, conn.lastNsec),
    startIso: isoParts(conn.firstSec, conn.firstNsec, opts.timeDigits ?? 6, true),
    endIso: isoParts(conn.lastSec, conn.lastNsec, opts.timeDigits ?? 6, true),
    duration: round6(conn.lastSec - conn.firstSec + (conn.lastNsec - conn.firstNsec) / 1e9),
    packets: { client: clientEp.packets, server: serverEp.packets },
    bytes: { client: clientEp.payloadBytes, server: serverEp.payloadBytes },
    states: { client: clientEp.state, server: serverEp.state },
    openAtEnd: {
      client: opts.atCaptureEnd && clientEp.state !== 'CLOSED' && clientEp.state !== 'TIME-WAIT',
      server: opts.atCaptureEnd && serverEp.state !== 'CLOSED' && serverEp.state !== 'TIME-WAIT',
    },
    stateNotes: { client: stateNote(conn, 'client', opts.atCaptureEnd), server: stateNote(conn, 'server', opts.atCaptureEnd) },
    transitions,
    zeek: zeekRows[0] as ZeekRecord,
    zeekRows,
    completeness: conn.completeness,
    completenessLabel: completenessLabel(conn.completeness),
    irtt: analysis.sequence.irtt === null ? null : round6(analysis.sequence.irtt),
    analysis: analysisCounts,
    analysisFrames: analysis.sequence.flagged,
    figures: {
      client: directionFigures(conn.clientIsA ? analysis.figures.a : analysis.figures.b, duration),
      server: directionFigures(conn.clientIsA ? analysis.figures.b : analysis.figures.a, duration),
    },
    anomalies: analysis.findings,
  };
}

function rttFigures(count: number, min: number, sum: number, max: number): RttFigures {
  if (count === 0) return { samples: 0, min: null, avg: null, max: null };
  return { samples: count, min: round6(min), avg: round6(sum / count), max: round6(max) };
}

/** One direction's figures as JSON (see DirectionFigures). */
export function directionFigures(d: DirectionStats, duration: number): DirectionFigures {
  return {
    packets: d.packets,
    ackPackets: d.ackPackets,
    pureAcks: d.pureAcks,
    dataPackets: d.dataPackets,
    dataBytes: d.dataBytes,
    uniqueBytes: d.uniqueBytes,
    retransmittedPackets: d.retransmittedPackets,
    retransmittedBytes: d.retransmittedBytes,
    zeroWindowProbes: d.zeroWindowProbes,
    zeroWindowProbeBytes: d.zeroWindowProbeBytes,
    outOfOrderPackets: d.outOfOrderPackets,
    synCount: d.synCount,
    finCount: d.finCount,
    mss: d.mss < 0 ? null : d.mss,
    windowScale: d.wsAsked < 0 ? null : d.wsAsked,
    timestamps: d.timestamps,
    sackPermitted: d.sackPermitted,
    windowMin: d.winMin,
    windowMax: d.winMax,
    zeroWindows: d.zeroWindows,
    rtt: rttFigures(d.rttCount, d.rttMin, d.rttSum, d.rttMax),
    rttTimestamps: rttFigures(d.tsRttCount, d.tsRttMin, d.tsRttSum, d.tsRttMax),
    throughput: duration > 0 ? Math.round((d.uniqueBytes / duration) * 1000) / 1000 : null,
  };
}

function transitionRecord(conn: Connection, c: StateChange): TransitionRecord {
  const side = conn.sideOf(c.endpoint);
  return {
    side,
    from: c.from,
    to: c.to,
    frame: c.frame,
    ts: formatTimestamp(c.tsSec, c.tsNsec),
    cause: c.cause,
    rfc: c.rfc,
    projected: c.projected,
    evidence: c.evidence,
    evidenceFrame: c.evidenceFrame,
    contradictedBy: c.contradictedBy === null ? null : [...c.contradictedBy],
    contradiction: c.contradiction,
    why: evidenceWhy(c, side),
  };
}

/** The evidence rules (README "How tcplens reads an endpoint's state"), in words. */
export function evidenceWhy(c: Pick<StateChange, 'evidence' | 'frame' | 'evidenceFrame' | 'contradictedBy' | 'contradiction' | 'to' | 'projected'>, side: Side): string {
  const peer = side === 'client' ? 'server' : 'client';
  if (c.projected) return 'projected: TIME-WAIT ends 2×MSL after it began, and nothing on the wire shows it';
  switch (c.evidence) {
    case 'witnessed':
      if (c.evidenceFrame === null || c.evidenceFrame === c.frame) return `witnessed: the ${side}'s own segment (frame ${c.frame}) shows it`;
      return `witnessed: assumed when the ${peer}'s segment of frame ${c.frame} was captured; the ${side}'s own segment of frame ${c.evidenceFrame} proves it`;
    case 'inferred':
      return `inferred: assumes the ${peer}'s segment of frame ${c.frame} reached the ${side} when it was captured; nothing the ${side} sent later proves it`;
    default: {
      const frames = (c.contradictedBy ?? []).join(', ');
      const how =
        c.contradiction === 'crossed'
          ? `the ${side}'s own FIN (frame ${frames}) does not acknowledge it: the FINs crossed`
          : c.contradiction === 'reset'
            ? `the ${side} answered with a RST of the form a port with no connection sends (frame ${frames})`
            : `resent unchanged (frame${(c.contradictedBy?.length ?? 0) > 1 ? 's' : ''} ${frames}): the ACK that would have settled it never arrived`;
      return `contradicted: the ${side} would have been ${c.to} if the segment of frame ${c.frame} had arrived; ${how}`;
    }
  }
}

/** Why an endpoint ends where it does, when the packets alone do not say it. */
function stateNote(conn: Connection, side: Side, atCaptureEnd: boolean): string | null {
  const ep = conn.endpointOf(side);
  const peer = conn.endpointOf(side === 'client' ? 'server' : 'client');
  if (ep.state === 'UNSEEN' && ep.packets === 0 && peer.synCount > 0) {
    const span = peer.lastSynTime - (conn.firstSec + conn.firstNsec / 1e9);
    return `nothing was heard from the ${side} (${peer.synCount} SYN${peer.synCount === 1 ? '' : 's'} over ${span.toFixed(3)} s, no answer): it may be down, filtered, or never got the SYN`;
  }
  if (ep.state === 'SYN-SENT' && atCaptureEnd) {
    return `still SYN-SENT at capture end after ${ep.synCount} SYN${ep.synCount === 1 ? '' : 's'}: whether it gave up is not shown (a socket that gives up sends nothing)`;
  }
  return null;
}

export function captureRecord(
  file: string,
  info: CaptureInfo,
  stats: { packets: number; tcpPackets: number; bytes: number; first: string | null; last: string | null },
  warnings: { code: string; fileOffset: number; message: string }[],
  error: { code: string; fileOffset: number; message: string } | null,
): CaptureRecord {
  return {
    file,
    format: info.format,
    gzip: info.gzip,
    byteOrder: info.byteOrder,
    linkTypes: [...new Set(info.interfaces.map((i) => i.linkType))],
    packets: stats.packets,
    tcpPackets: stats.tcpPackets,
    bytes: stats.bytes,
    first: stats.first,
    last: stats.last,
    firstIso: isoTimestamp(stats.first, timeDigits(info.interfaces)),
    lastIso: isoTimestamp(stats.last, timeDigits(info.interfaces)),
    comments: info.comments,
    warnings: warnings.map((w) => ({ code: w.code, offset: w.fileOffset, message: w.message })),
    error: error ? { code: error.code, offset: error.fileOffset, message: error.message } : null,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
