/**
 * The composition root: capture → decode → tcp → analysis → report. The only file that knows
 * every stage; imports otherwise only go down the pipeline (test/architecture/import-boundaries.test.ts).
 */
import { CaptureRules } from './analysis/capture-rules.js';
import { DEFAULT_ANALYZE_OPTIONS, DEFAULT_CAPTURE_RULES, type AnalyzeOptions } from './analysis/options.js';
import { ConnectionAnalysis } from './analysis/connection-analysis.js';
import type { Finding } from './analysis/anomaly.js';
import type { AnomalyId } from './analysis/anomaly-ids.js';
import type { CaptureWarning } from './capture/errors.js';
import { FrameList, FrameSet } from './capture/frame-set.js';
import { Frame, type InterfaceInfo } from './capture/frame.js';
import { DuplicateFrames } from './capture/duplicate-frames.js';
import { type CaptureResult, type CaptureSource, readCapture } from './capture/open-capture.js';
import { RecordCopier } from './capture/record-copier.js';
import type { ReadOptions } from './capture/parallel-pcap.js';
import { formatTimestamp } from './capture/timestamp.js';
import { decodeInto } from './decode/decoder.js';
import { LINKTYPE_NAMES } from './decode/fields.js';
import { isSupportedLinkType } from './decode/link.js';
import { DecodedPacket } from './decode/packet.js';
import { ZEEK_BARE, ZEEK_DEFAULTS } from './tcp/zeek/config.js';
import { buildConnectionRecord, captureRecord, captureUidSeed, type AnalysisDocument, type CaptureRecord, type ConnectionRecord, type SegmentRecord } from './report/model.js';
import { segmentRecords } from './report/segment-records.js';
import { timeDigits, type TimeDigits } from './report/time-format.js';
import { connectionMatchesStart, matches, needsEnd, type ConnectionFilter } from './report/filters.js';

export type { SegmentRecord };
import type { CarriedConversation, SequenceAnalysis } from './analysis/flags/sequence-analysis.js';
import type { Connection } from './tcp/connection.js';
import { copySegment, type Segment } from './tcp/segment.js';
import { Tracker, type TrackerWarning } from './tcp/tracker.js';
import { performanceOf } from './report/performance.js';
import { capHeapGrowthWhenLarge } from './heap-growth.js';

export interface DecodeHooks {
  /** Called for every frame with the reused frame and decoded packet (valid during the call). */
  onPacket(frame: Frame, packet: DecodedPacket): void;
  /** Called between chunks; a returned promise pauses reading. */
  afterChunk?(): Promise<void> | void;
  /** Bytes read of the file so far, and its size when known (for progress bars). */
  onProgress?(bytesRead: number, totalBytes: number | null): void;
  /** Called between chunks: true stops reading there. */
  done?(): boolean;
  /** Called when an interface becomes known (before its packets). */
  onInterface?(iface: InterfaceInfo): void;
  /** How classic pcap files are read: `readThreads` pcap-parser instances over ranges of the file (capture/parallel-pcap.ts). */
  read?: ReadOptions;
}

export interface DecodeResult extends CaptureResult {
  /** Frames whose transport header was TCP. */
  tcpPackets: number;
  /** IP fragments after the first (they carry no transport header). */
  laterFragments: number;
  /** Packets whose decoding stopped at damage. */
  damagedPackets: number;
  /** Captured bytes of all frames. */
  capturedBytes: number;
  firstTs: string | null;
  lastTs: string | null;
}

export function linkTypeName(linkType: number): string {
  return LINKTYPE_NAMES[linkType] ?? `LINKTYPE ${linkType}`;
}

/** Reads and decodes a capture, frame by frame. Never throws for bad input (see result.error). */
export async function decodeCapture(source: CaptureSource, hooks: DecodeHooks, name?: string): Promise<DecodeResult> {
  const packet = new DecodedPacket();
  const unsupported: CaptureWarning[] = [];
  const duplicates = new DuplicateFrames();
  let tcpPackets = 0;
  let laterFragments = 0;
  let damagedPackets = 0;
  let capturedBytes = 0;
  let firstTs: string | null = null;
  let lastSec = 0;
  let lastNsec = 0;
  let sawTs = false;
  const result = await readCapture(
    source,
    {
      onInterface(iface: InterfaceInfo): void {
        hooks.onInterface?.(iface);
        if (!isSupportedLinkType(iface.linkType)) {
          unsupported.push({
            code: 'UNSUPPORTED_LINKTYPE',
            fileOffset: 0,
            message: `interface ${iface.id}${iface.section > 1 ? ` of section ${iface.section}` : ''} has link type ${iface.linkType} (${linkTypeName(iface.linkType)}), which tcplens does not decode; its frames are read without IP or TCP fields`,
          });
        }
      },
      onFrame(frame: Frame): void {
        duplicates.onFrame(frame);
        if (decodeInto(frame, packet)) tcpPackets++;
        if (packet.fragment === 2) laterFragments++;
        if (packet.issueKind !== null) damagedPackets++;
        capturedBytes += frame.caplen;
        if (frame.hasTimestamp) {
          if (!sawTs) firstTs = formatTimestamp(frame.tsSec, frame.tsNsec);
          sawTs = true;
          lastSec = frame.tsSec;
          lastNsec = frame.tsNsec;
        }
        hooks.onPacket(frame, packet);
      },
      ...(hooks.afterChunk ? { afterChunk: hooks.afterChunk } : {}),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.done ? { done: hooks.done } : {}),
    },
    name,
    hooks.read,
  );
  result.warnings.unshift(...unsupported);
  result.warningCount += unsupported.length;
  const copies = duplicates.warning();
  if (copies !== null) {
    result.warnings.push(copies);
    result.warningCount++;
  }
  return { ...result, tcpPackets, laterFragments, damagedPackets, capturedBytes, firstTs, lastTs: sawTs ? formatTimestamp(lastSec, lastNsec) : null };
}

export { DEFAULT_ANALYZE_OPTIONS, type AnalyzeOptions } from './analysis/options.js';

export interface AnalyzeHooks {
  /** Called as each connection ends (eviction or end of capture), in that order; with its segments when kept. */
  onConnection?(record: ConnectionRecord, segments?: SegmentRecord[]): void;
  afterChunk?(): Promise<void> | void;
  onProgress?(bytesRead: number, totalBytes: number | null): void;
  /** Keep every segment of these connections (by id) for a timeline. */
  keepSegmentsOf?: ReadonlySet<number>;
  /** Keep every segment of the connections in these tcp.streams for a timeline. */
  keepSegmentsOfStreams?: ReadonlySet<number>;
  /** Keep segments of every connection, at most this many per connection and in all (HTML ladders). */
  segmentBudget?: { perConnection: number; total: number };
  /** How classic pcap files are read (capture/parallel-pcap.ts). */
  read?: ReadOptions;
  /** Keep every connection record for the result (json); false for streaming (ndjson). */
  collect?: boolean;
  /**
   * Called for every frame in order, after the engine took it: with its connection, that
   * connection's Wireshark analysis of the frame and whether it came from endpoint a when it is
   * TCP, else null (`tcplens packets`).
   */
  onFrame?(frame: Frame, packet: DecodedPacket, conn: Connection | null, sequence: SequenceAnalysis | null, fromA: boolean): void;
  /** Called when an interface becomes known (before its packets): its time resolution, link type. */
  onInterface?(iface: InterfaceInfo): void;
  /**
   * Once the analysis is large, set V8's heap growth factor to 1.5 and run one full collection
   * (heap-growth.ts, capHeapGrowthWhenLarge). It is a setting of
   * the whole process, so only a command that runs one analysis in its process asks for it
   * (analyze, packets, timeline); the viewer's and the audit's threads leave V8 as it is.
   */
  capHeapGrowth?: boolean;
}

export interface AnalyzeResult {
  decode: DecodeResult;
  /** Segments of the connections asked for in hooks.keepSegmentsOf, by connection id. */
  segments: Map<number, SegmentRecord[]>;
  capture: CaptureRecord;
  connections: ConnectionRecord[];
  connectionCount: number;
  anomalies: Finding<AnomalyId>[];
  /** About the analysis, not the file (tcp/tracker.ts TrackerWarning): e.g. CONNECTION_LIMIT. */
  warnings: TrackerWarning[];
}

/** Reads a capture and tells the story of each TCP connection. Never throws for bad input. */
export async function analyzeCapture(
  source: CaptureSource,
  name: string,
  options: Partial<AnalyzeOptions> = {},
  hooks: AnalyzeHooks = {},
): Promise<AnalyzeResult> {
  const opts: AnalyzeOptions = { ...DEFAULT_ANALYZE_OPTIONS, ...options, captureRules: { ...DEFAULT_CAPTURE_RULES, ...options.captureRules } };
  opts.captureRules.mslSeconds = opts.msl;
  const anomalyOpts = {
    longCloseWaitSeconds: opts.longCloseWait,
    mslSeconds: opts.msl,
    zeroWindowStallSeconds: opts.zeroWindowStall,
    retransmissionShare: opts.retransmissionShare,
  };
  const capture = new CaptureRules(opts.captureRules);
  const collected: ConnectionRecord[] = [];
  let connectionCount = 0;
  let captureEnd = 0;
  let atCaptureEnd = false;
  /** Zeek uids unique across captures: seeded by the name and first TCP frame (report/model.ts captureUidSeed). */
  let uidSeed = '';
  const analyses = new WeakMap<Connection, ConnectionAnalysis>();
  const kept = new Map<number, { seg: Segment; fromA: boolean }[]>();
  const segments = new Map<number, SegmentRecord[]>();
  let keptTotal = 0;
  /** ISO times get 9 digits once an interface stamps finer than a microsecond. */
  let digits: TimeDigits = 6;

  const tracker = new Tracker({
    idleTimeout: opts.idleTimeout,
    lingerTimeout: 2 * opts.msl,
    maxConnections: opts.maxConnections,
    zeekBare: opts.zeekBare,
    zeek: { ...(opts.zeekBare ? ZEEK_BARE : ZEEK_DEFAULTS), ignoreChecksums: opts.zeekIgnoreChecksums },
    onStart(conn) {
      const analysis = new ConnectionAnalysis(anomalyOpts);
      analyses.set(conn, analysis);
      conn.observer = analysis;
      if (conn.continues !== null) analysis.sequence.carryOn(conn.continues.carry as CarriedConversation, conn.continues.swapped);
      conn.continues = null;
    },
    onEnd(conn) {
      const analysis = analyses.get(conn) as ConnectionAnalysis;
      // Only a connection handed on before the capture's end can be continued (tcp/tracker.ts Tombstone).
      if (!atCaptureEnd) conn.carry = analysis.sequence.carried();
      analysis.finish(conn, captureEnd, atCaptureEnd);
      capture.onEnd(conn);
      connectionCount++;
      const record = buildConnectionRecord(conn, analysis, { twoMsl: 2 * opts.msl, atCaptureEnd, uidSeed, timeDigits: digits });
      const keptSegments = kept.get(conn.id);
      const segs = keptSegments === undefined ? undefined : segmentRecords(conn.firstSec + conn.firstNsec / 1e9, (endpoint) => conn.sideOf(endpoint), keptSegments);
      if (segs !== undefined) {
        if (hooks.collect !== false) segments.set(conn.id, segs);
        kept.delete(conn.id);
      }
      hooks.onConnection?.(record, segs);
      if (hooks.collect !== false) collected.push(record);
    },
  });

  const decode = await decodeCapture(
    source,
    {
      onInterface(iface) {
        // Once per interface (a damaged pcapng can describe thousands): only this one is looked at.
        if (digits === 6) digits = timeDigits([iface]);
        hooks.onInterface?.(iface);
      },
      onPacket(frame, packet) {
        if (!packet.hasTcp) {
          hooks.onFrame?.(frame, packet, null, null, false);
          return;
        }
        const t = frame.tsSec + frame.tsNsec / 1e9;
        if (t > captureEnd) captureEnd = t;
        if (uidSeed === '') uidSeed = captureUidSeed(name, frame.tsSec, frame.tsNsec, frame.bytes.subarray(frame.start, frame.start + frame.caplen));
        const conn = tracker.onPacket(packet, frame.frame, frame.tsSec, frame.tsNsec, frame.bytes);
        const seg = tracker.segment;
        const budget = hooks.segmentBudget;
        if (hooks.keepSegmentsOf?.has(conn.id) || hooks.keepSegmentsOfStreams?.has(conn.stream) || (budget !== undefined && keptTotal < budget.total)) {
          let list = kept.get(conn.id);
          if (list === undefined) kept.set(conn.id, (list = []));
          if (budget === undefined || list.length < budget.perConnection) {
            list.push({ seg: copySegment(seg), fromA: tracker.lastFromA });
            keptTotal++;
          }
        }
        if (conn.firstFrame === frame.frame) {
          for (const f of capture.onStart(conn, seg.time, seg.syn && !seg.hasAck)) analyses.get(conn)?.add({ id: f.id, severity: f.severity }, f.frame, null, f.detail);
        }
        if (hooks.onFrame !== undefined) hooks.onFrame(frame, packet, conn, (analyses.get(conn) as ConnectionAnalysis).sequence, tracker.lastFromA);
      },
      afterChunk() {
        if (hooks.capHeapGrowth === true) capHeapGrowthWhenLarge(tracker.earlyHandOn.firstFrame !== 0);
        return hooks.afterChunk?.();
      },
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.read ? { read: hooks.read } : {}),
    },
    name,
  );
  atCaptureEnd = true;
  tracker.finish();
  collected.sort((a, b) => a.id - b.id);
  const record = captureRecord(
    name,
    decode.info,
    { packets: decode.packets, tcpPackets: decode.tcpPackets, bytes: decode.capturedBytes, first: decode.firstTs, last: decode.lastTs },
    decode.warnings,
    decode.error,
  );
  return { decode, segments, capture: record, connections: collected, connectionCount, anomalies: capture.findings(), warnings: tracker.warnings(decode.packets) };
}

/** The JSON document of an analysis, of the connections and anomalies shown (all, unless filtered); its performance summary is theirs. */
export function analysisDocument(r: AnalyzeResult, shown: { connections: ConnectionRecord[]; anomalies: AnalyzeResult['anomalies'] } = r): AnalysisDocument {
  return { tcplens: 1, capture: r.capture, connections: shown.connections, anomalies: shown.anomalies, warnings: r.warnings, performance: performanceOf(shown.connections) };
}

export interface FrameSelection {
  /** The frames of the selected connections. */
  frames: FrameSet;
  /** Connections selected. */
  connections: number;
  result: AnalyzeResult;
}

/**
 * `tcplens slice`, first pass: the engine over the capture, marking the frames of the
 * connections the filter selects. What a connection's first packet shows (id, stream,
 * addresses, ports) is decided there; what only its end shows (states, anomalies, Zeek's
 * verdicts, flags) waits for it, the frame numbers of a candidate held meanwhile (4 bytes a
 * frame, while it lives). Memory: one bit per frame of the capture, plus those lists.
 */
export async function selectFrames(source: CaptureSource, name: string, filter: ConnectionFilter, options: Partial<AnalyzeOptions> = {}): Promise<FrameSelection> {
  const frames = new FrameSet();
  const atEnd = needsEnd(filter);
  /** Connections that passed the first packet's test: their frames go straight into the set. */
  const chosen = new Set<number>();
  /** Candidates waiting for their end, with their frames. */
  const pending = new Map<number, FrameList>();
  let connections = 0;
  const result = await analyzeCapture(source, name, options, {
    collect: false,
    onFrame(frame, _packet, conn) {
      if (conn === null) return;
      if (conn.firstFrame === frame.frame && connectionMatchesStart(conn, filter)) {
        if (atEnd) pending.set(conn.id, new FrameList());
        else chosen.add(conn.id);
      }
      if (atEnd) pending.get(conn.id)?.push(frame.frame);
      else if (chosen.has(conn.id)) frames.add(frame.frame);
    },
    onConnection(record) {
      if (!atEnd) {
        if (chosen.delete(record.id)) connections++;
        return;
      }
      const list = pending.get(record.id);
      if (list === undefined) return;
      pending.delete(record.id);
      if (matches(record, filter)) {
        connections++;
        list.addTo(frames);
      }
    },
  });
  return { frames, connections, result };
}

export interface CopyResult {
  /** The second read (its error, if any, is the first pass's too). */
  capture: CaptureResult;
  /** Packet records written. */
  packets: number;
  bytes: number;
}

/**
 * `tcplens slice`, second pass: copies the file-level records and the given frames' records of
 * a capture byte for byte (capture/record-copier.ts), decompressed when the input was gzip'd.
 * `afterChunk` is awaited between input chunks (backpressure of the output).
 */
export async function copyFrames(source: CaptureSource, name: string, frames: FrameSet, write: (bytes: Buffer) => void, afterChunk?: () => Promise<void> | void): Promise<CopyResult> {
  const copier = new RecordCopier(write);
  const capture = await readCapture(
    source,
    {
      onFrame(frame) {
        if (frames.has(frame.frame)) copier.want(frame.fileOffset);
      },
      onData(chunk, parsedTo) {
        copier.push(chunk, parsedTo);
      },
      ...(afterChunk ? { afterChunk } : {}),
    },
    name,
  );
  return { capture, packets: copier.packets, bytes: copier.bytes };
}
