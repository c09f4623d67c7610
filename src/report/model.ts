/**
 * The JSON view-models every output is built from: plain objects (no classes, Maps or byte
 * arrays), so the CLI formats, the HTML report and the web viewer all show the same facts.
 * Field names are an API (README "analyze JSON").
 */
import { completenessLabel, connState, type ConnState } from '../analysis/conn-summary.js';
import type { ConnectionAnalysis } from '../analysis/connection-analysis.js';
import type { Finding } from '../analysis/anomaly.js';
import type { CaptureInfo } from '../capture/frame.js';
import { formatTimestamp } from '../capture/timestamp.js';
import type { Connection, Contradiction, Evidence, Side, StateChange } from '../tcp/connection.js';
import type { EndpointState } from '../tcp/state.js';

export interface TransitionRecord {
  side: Side;
  from: EndpointState;
  to: EndpointState;
  /** null for a projected change (TIME-WAIT's end). */
  frame: number | null;
  ts: string;
  cause: string;
  rfc: string;
  projected: boolean;
  /**
   * witnessed: the endpoint's own segment shows it; inferred: it rests on the peer's segment
   * arriving when captured; contradicted: later frames show that arrival had not happened (the
   * change did not take place). Projected changes are inferred.
   */
  evidence: Evidence;
  /** Inferred then confirmed: the endpoint's own frame that proves it; contradicted: the first frame against it. */
  evidenceFrame: number | null;
  /** Contradicted: the frames against it (the first 16), and how (resent, crossed, reset). */
  contradictedBy: number[] | null;
  contradiction: Contradiction | null;
  /** The evidence in words, for the row and the tooltip. */
  why: string;
}

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
  win: number;
}

export interface ZeekRecord {
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
}

export interface ConnectionRecord {
  id: number;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  rolesInferred: boolean;
  firstFrame: number;
  lastFrame: number;
  start: string;
  end: string;
  duration: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  states: { client: EndpointState; server: EndpointState };
  /** States still open when the capture ended (TIME-WAIT's end is projected instead). */
  openAtEnd: { client: boolean; server: boolean };
  /** What the final state rests on, when it needs saying (an UNSEEN server, a client still in SYN-SENT). */
  stateNotes: { client: string | null; server: string | null };
  transitions: TransitionRecord[];
  zeek: ZeekRecord;
  completeness: number;
  completenessLabel: string;
  irtt: number | null;
  analysis: Record<string, number>;
  /** The frames that carry Wireshark analysis flags, and which (capped at 2000 per connection). */
  analysisFrames: { frame: number; flags: string[] }[];
  anomalies: Finding[];
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
  comments: string[];
  warnings: { code: string; offset: number; message: string }[];
  error: { code: string; offset: number; message: string } | null;
}

export interface AnalysisDocument {
  tcplens: 1;
  capture: CaptureRecord;
  connections: ConnectionRecord[];
  anomalies: Finding[];
}

export interface BuildOptions {
  /** 2×MSL, seconds: when TIME-WAIT's end is projected. */
  twoMsl: number;
  /** True when the connection ended with the capture (states still open). */
  atCaptureEnd: boolean;
}

/** Zeek-style uid: "C" and the connection id in base 62, padded (deterministic per capture). */
export function zeekUid(id: number): string {
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let s = '';
  let n = id;
  do {
    s = digits[n % 62] + s;
    n = Math.floor(n / 62);
  } while (n > 0);
  return `C${s.padStart(8, '0')}`;
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
  const z = conn.zeek;
  const zeekOrigIsA = z.aIsOrig;
  const origAddr = zeekOrigIsA ? conn.addrA : conn.addrB;
  const respAddr = zeekOrigIsA ? conn.addrB : conn.addrA;
  const duration = z.duration;
  const analysisCounts: Record<string, number> = {};
  for (const [k, v] of Object.entries(analysis.sequence.counts)) if (v) analysisCounts[k] = v;
  return {
    id: conn.id,
    client: { ...conn.address('client') },
    server: { ...conn.address('server') },
    rolesInferred: conn.rolesInferred,
    firstFrame: conn.firstFrame,
    lastFrame: conn.lastFrame,
    start: formatTimestamp(conn.firstSec, conn.firstNsec),
    end: formatTimestamp(conn.lastSec, conn.lastNsec),
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
    zeek: {
      uid: zeekUid(conn.id),
      orig_h: origAddr.ip,
      orig_p: origAddr.port,
      resp_h: respAddr.ip,
      resp_p: respAddr.port,
      duration: duration > 0 ? round6(duration) : null,
      conn_state: connState(conn),
      history: z.history,
      orig_bytes: z.orig.size(z.resp),
      resp_bytes: z.resp.size(z.orig),
      orig_pkts: z.orig.packets,
      resp_pkts: z.resp.packets,
      orig_ip_bytes: z.orig.ipBytes,
      resp_ip_bytes: z.resp.ipBytes,
      missed_bytes: 0,
    },
    completeness: conn.completeness,
    completenessLabel: completenessLabel(conn.completeness),
    irtt: analysis.sequence.irtt === null ? null : round6(analysis.sequence.irtt),
    analysis: analysisCounts,
    analysisFrames: analysis.sequence.flagged.map((f) => ({ frame: f.frame, flags: [...f.flags] })),
    anomalies: analysis.findings,
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
    comments: info.comments,
    warnings: warnings.map((w) => ({ code: w.code, offset: w.fileOffset, message: w.message })),
    error: error ? { code: error.code, offset: error.fileOffset, message: error.message } : null,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
