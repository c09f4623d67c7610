/**
 * Connections by four-tuple and generation. A new connection starts with the first packet of
 * a four-tuple, and again exactly where Wireshark starts a new tcp.stream: a pure SYN whose
 * sequence number differs from its direction's base (streams.ts).
 *
 * Memory is bounded: a connection idle for `idleTimeout` seconds of capture time, or closed
 * (both sides CLOSED or TIME-WAIT) and idle for `lingerTimeout`, is handed to `onEnd` and
 * forgotten. A later packet of the same four-tuple then starts a new connection.
 *
 * Those timeouts alone let a flood hold a million connections at once (a scan refused by
 * RSTs lingers 2×MSL; spoofed SYNs wait for the idle timeout). So past `maxConnections` held
 * at once, the tracker hands on early, oldest activity first, the connections whose story is
 * over or never began: finished ones, then ones whose handshake never completed (Suricata's
 * flow "emergency mode" does the same under its memcap). Synchronized connections are never
 * handed on early: memory follows the connections that are really alive.
 */
import { formatIpv4, formatIpv6 } from '../decode/format.js';
import type { DecodedPacket } from '../decode/packet.js';
import { Connection } from './connection.js';
import type { WiresharkBases } from './relative-seq.js';
import { isSynchronized } from './state.js';
import { fillSegment, Segment } from './segment.js';
import { isNewStreamSyn } from './streams.js';
import { tcpChecksumOk, zeekSkipsForChecksum } from './zeek/checksum.js';
import { checksumOffloadingWarning } from './zeek/checksum-offloading.js';
import { ZEEK_BARE, ZEEK_DEFAULTS, type ZeekConfig } from './zeek/config.js';
import { ZeekTimers } from './zeek/timers.js';

export interface TrackerOptions {
  /** Seconds without packets after which any connection is handed on (default 3600). */
  idleTimeout?: number;
  /** Seconds without packets after which a closed connection is handed on (default 60: 2×MSL). */
  lingerTimeout?: number;
  /** Model Zeek run bare (`zeek -b`): no likely_server_ports, so no role flip at the first packet. */
  zeekBare?: boolean;
  /** Zeek's constants and switches (default: a default `zeek -r`, or bare with zeekBare). */
  zeek?: ZeekConfig;
  /** Connections held at once before finished and never-synchronized ones are handed on early (default 20,000). */
  maxConnections?: number;
  /** Called when a connection starts (attach an observer here). */
  onStart?(conn: Connection): void;
  /** Called when a connection is handed on, at eviction or at the end of the capture. */
  onEnd?(conn: Connection): void;
}

const SWEEP_EVERY_SECONDS = 10;
/**
 * Four-tuples remembered after their connection was handed on: about 650 bytes each, most of it
 * the Wireshark conversation packed into one array of numbers (SequenceAnalysis.carried).
 */
const MAX_TOMBSTONES = 50_000;

/**
 * A four-tuple whose connection was handed on (idle, lingering past 2×MSL, or over the limit)
 * while Wireshark's conversation goes on: a later packet that is not a SYN with a new ISN starts
 * a new tcplens connection in the same tcp.stream, and the Wireshark analysis carries on from
 * where it was (`carry`, set by whoever analyses the connection). The oldest are forgotten past
 * MAX_TOMBSTONES.
 */
interface Tombstone {
  key: string;
  stream: number;
  bases: WiresharkBases;
  sourceNumA: number;
  sourceKeyA: string;
  portA: number;
  carry: unknown;
}
/** After an early hand-on, held connections are brought down to this share of the limit. */
const RELIEF_TARGET = 0.75;

/** Connections handed on early because more than maxConnections were held at once. */
/** A warning about the analysis, not the file: it names the frame where it began, not a byte offset. */
export interface TrackerWarning {
  code: 'CONNECTION_LIMIT' | 'CHECKSUM_OFFLOADING';
  frame: number;
  message: string;
}

export interface EarlyHandOn {
  finished: number;
  unsynchronized: number;
  /** Frame of the packet that first went over the limit, or 0. */
  firstFrame: number;
}

export class Tracker {
  /** IPv6 (and any non-IPv4) connections by text key. */
  private readonly live = new Map<string, Connection>();
  /** IPv4 connections by their two (address·2^16 + port) numbers, low then high: no string per packet. */
  private readonly live4 = new Map<number, Map<number, Connection>>();
  private live4Count = 0;
  private nextId = 1;
  /** Wireshark's next tcp.stream number. */
  private nextStream = 0;
  /** Four-tuples handed on before the capture ended, oldest first (see Tombstone). */
  private readonly tombstones = new Map<string, Tombstone>();
  /**
   * The tombstones in the order they were made, from `tombstoneHead` on (some already taken by a
   * later connection): the oldest is found here, not by the Map's first key, which V8 finds by
   * stepping over every entry deleted before it (quadratic under a SYN flood).
   */
  private tombstoneOrder: Tombstone[] = [];
  private tombstoneHead = 0;
  private finishing = false;
  private lastSweep = -Infinity;
  /** Packets with a TCP header seen. */
  segments = 0;
  /** Segments Zeek's model skipped for an invalid checksum (captured whole), and the first one's frame. */
  badChecksums = 0;
  firstBadChecksumFrame = 0;
  readonly idleTimeout: number;
  readonly lingerTimeout: number;
  readonly maxConnections: number;
  /** Held connections at which the next early hand-on runs. */
  private reliefAt: number;
  readonly earlyHandOn: EarlyHandOn = { finished: 0, unsynchronized: 0, firstFrame: 0 };
  /** Zeek's timer queue for all connections of the capture (zeek/timers.ts). */
  readonly zeekTimers = new ZeekTimers();
  private readonly zeekConfig: ZeekConfig;

  /**
   * What the user must know about how the tracker read this capture (after finish()); `packets`:
   * every packet of the capture, TCP or not (Zeek's share of bad checksums is of them all).
   */
  warnings(packets = this.segments): TrackerWarning[] {
    const offloading = checksumOffloadingWarning(this.badChecksums, packets, this.firstBadChecksumFrame);
    const out = offloading === null ? [] : [offloading];
    const early = this.earlyHandOn;
    if (early.finished + early.unsynchronized === 0) return out;
    return [
      ...out,
      {
        code: 'CONNECTION_LIMIT',
        frame: early.firstFrame,
        message:
          `more than ${this.maxConnections} connections were held at once (first at frame ${early.firstFrame}), so ${early.finished} finished and ` +
          `${early.unsynchronized} never-synchronized connections were handed on early, least recently active first; a later packet of one of ` +
          `them starts a new connection (raise --max-connections to keep them, at about 10 KB each)`,
      },
    ];
  }

  constructor(private readonly opts: TrackerOptions = {}) {
    this.idleTimeout = opts.idleTimeout ?? 3600;
    this.lingerTimeout = opts.lingerTimeout ?? 60;
    this.maxConnections = opts.maxConnections ?? 20_000;
    this.reliefAt = this.maxConnections;
    this.zeekConfig = opts.zeek ?? (opts.zeekBare === true ? ZEEK_BARE : ZEEK_DEFAULTS);
  }

  get liveCount(): number {
    return this.live.size + this.live4Count;
  }

  /** The segment of the last packet (reused: valid until the next onPacket). */
  readonly segment = new Segment();
  /** Whether the last packet came from its connection's endpoint a. */
  lastFromA = false;

  /**
   * Feeds one decoded TCP packet (p.hasTcp). Returns its connection; see `segment`, `lastFromA`.
   * `bytes`: the frame's bytes, for Zeek's checksum check (none: checksums are not checked).
   */
  onPacket(p: DecodedPacket, frame: number, tsSec: number, tsNsec: number, bytes?: Uint8Array): Connection {
    this.segments++;
    const seg = fillSegment(this.segment, p, frame, tsSec, tsNsec);
    if (bytes !== undefined) {
      seg.bytes = bytes;
      if (!this.zeekConfig.ignoreChecksums) seg.badChecksum = !tcpChecksumOk(bytes, p);
      if (zeekSkipsForChecksum(seg, this.zeekConfig) && this.badChecksums++ === 0) this.firstBadChecksumFrame = frame;
    }
    // RunState.cc dispatch_packet: Zeek's timers due by this packet's time fire first.
    this.zeekTimers.advance(seg.time);
    let conn: Connection | undefined;
    let lo = 0;
    let hi = 0;
    let srcNum = 0;
    let key = '';
    let src = '';
    if (p.ipVersion === 4) {
      // address·2^16 + port is below 2^48: exact as a number.
      srcNum = p.src4 * 65536 + p.srcPort;
      const dstNum = p.dst4 * 65536 + p.dstPort;
      lo = srcNum <= dstNum ? srcNum : dstNum;
      hi = srcNum <= dstNum ? dstNum : srcNum;
      conn = this.live4.get(lo)?.get(hi);
    } else {
      src = addressKey(p, true);
      const dst = addressKey(p, false);
      const forward = src < dst || (src === dst && p.srcPort <= p.dstPort);
      key = forward ? `${src}/${p.srcPort}|${dst}/${p.dstPort}` : `${dst}/${p.dstPort}|${src}/${p.srcPort}`;
      conn = this.live.get(key);
    }
    let fromA = false;
    let reused = false;
    if (conn !== undefined) {
      fromA = p.ipVersion === 4 ? conn.index.sourceNumA === srcNum : conn.index.sourceKeyA === src && conn.addrA.port === p.srcPort;
      if (isNewStreamSyn(seg, conn.bases, fromA)) {
        this.end(conn, false);
        conn = undefined;
        reused = true;
      }
    }
    if (conn === undefined) {
      const ip = p.ipVersion;
      const srcText = ip === 4 ? formatIpv4(p.src4) : formatIpv6(p.src6);
      const dstText = ip === 4 ? formatIpv4(p.dst4) : formatIpv6(p.dst6);
      if (ip === 4) key = `${lo}-${hi}`;
      conn = new Connection(this.nextId++, key, { ip: srcText, port: p.srcPort }, { ip: dstText, port: p.dstPort }, seg, ip, this.opts.zeekBare === true, this.zeekTimers, this.zeekConfig);
      conn.index.sourceKeyA = src;
      conn.index.sourceNumA = srcNum;
      conn.index.keyLo = lo;
      conn.index.keyHi = hi;
      conn.reusedPorts = reused;
      const past = this.tombstones.size > 0 ? this.tombstones.get(key) : undefined;
      if (past !== undefined) {
        // Wireshark's conversation goes on past our hand-on: the same stream, unless a new ISN.
        this.tombstones.delete(key);
        const pastFromA = ip === 4 ? past.sourceNumA === srcNum : past.sourceKeyA === src && past.portA === p.srcPort;
        if (isNewStreamSyn(seg, past.bases, pastFromA)) conn.reusedPorts = true;
        else {
          conn.stream = past.stream;
          conn.bases.copyFrom(past.bases, !pastFromA);
          conn.continues = { carry: past.carry, swapped: !pastFromA };
        }
      }
      if (conn.continues === null) conn.stream = this.nextStream++;
      if (ip === 4) {
        let inner = this.live4.get(lo);
        if (inner === undefined) this.live4.set(lo, (inner = new Map()));
        inner.set(hi, conn);
        this.live4Count++;
      } else this.live.set(key, conn);
      fromA = true;
      this.opts.onStart?.(conn);
      if (this.liveCount > this.reliefAt) this.relieve(conn, frame);
    }
    conn.process(seg, fromA);
    this.lastFromA = fromA;
    const t = seg.time;
    if (t - this.lastSweep >= SWEEP_EVERY_SECONDS) this.sweep(t);
    return conn;
  }


  /** Hands on connections that are idle past their timeout. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const conn of this.all()) {
      const idle = now - conn.lastTime;
      const closed = isDone(conn.a.state) && isDone(conn.b.state);
      if (idle > this.idleTimeout || (closed && idle > this.lingerTimeout)) this.end(conn);
    }
  }

  /**
   * Over the limit: hands on finished connections, then never-synchronized ones, least recently
   * active first, until RELIEF_TARGET of the limit is held (never `current`, the one just opened).
   */
  private relieve(current: Connection, frame: number): void {
    const target = Math.floor(this.maxConnections * RELIEF_TARGET);
    const finished: Connection[] = [];
    const unsynchronized: Connection[] = [];
    const sort = (conn: Connection): void => {
      if (conn === current) return;
      if (isDone(conn.a.state) && isDone(conn.b.state)) finished.push(conn);
      else if (!isSynchronized(conn.a.state) && !isSynchronized(conn.b.state)) unsynchronized.push(conn);
    };
    this.live.forEach(sort);
    this.live4.forEach((inner) => inner.forEach(sort));
    const byActivity = (x: Connection, y: Connection): number => x.lastSec - y.lastSec || x.lastNsec - y.lastNsec || x.id - y.id;
    if (this.earlyHandOn.firstFrame === 0) this.earlyHandOn.firstFrame = frame;
    for (const [list, kind] of [
      [finished, 'finished'],
      [unsynchronized, 'unsynchronized'],
    ] as const) {
      if (this.liveCount <= target) break;
      list.sort(byActivity);
      for (const conn of list) {
        if (this.liveCount <= target) break;
        this.end(conn);
        this.earlyHandOn[kind]++;
      }
    }
    // Whatever is left is synchronized and kept; look again once the held connections grow by
    // the share of the limit a pass frees (1 − RELIEF_TARGET).
    this.reliefAt = Math.max(this.maxConnections, this.liveCount + Math.ceil(this.maxConnections * (1 - RELIEF_TARGET)));
  }

  /** Hands on every live connection (end of capture), in order of first frame. */
  finish(): void {
    this.finishing = true;
    this.zeekTimers.clear(); // no packet comes to fire them
    const rest: (Connection | undefined)[] = [...this.all()].sort((x, y) => x.id - y.id);
    for (let i = 0; i < rest.length; i++) {
      const conn = rest[i] as Connection;
      // Let go of each as it is handed on: the list would otherwise keep every connection's
      // state alive until the last one's record is written, beside all the records' garbage.
      rest[i] = undefined;
      this.end(conn);
    }
  }

  private *all(): Generator<Connection> {
    yield* this.live.values();
    for (const inner of this.live4.values()) yield* inner.values();
  }

  /**
   * Hands a connection on. `remember`: keep its stream number and Wireshark state a while, for a
   * later packet of its four-tuple (Wireshark's conversation has no end; see Tombstone).
   */
  private end(conn: Connection, remember = !this.finishing): void {
    if (conn.ipVersion === 4) {
      const inner = this.live4.get(conn.index.keyLo);
      if (inner?.get(conn.index.keyHi) === conn) {
        inner.delete(conn.index.keyHi);
        this.live4Count--;
        if (inner.size === 0) this.live4.delete(conn.index.keyLo);
      }
    } else this.live.delete(conn.key);
    conn.ended = true;
    conn.zeekTrack.release(); // Zeek's pending timers of its sessions no longer matter
    conn.observer?.onEnd?.(conn);
    this.opts.onEnd?.(conn);
    if (!remember) return;
    while (this.tombstones.size >= MAX_TOMBSTONES) this.forgetOldestTombstone();
    // The connection is over: its bases no longer change, so they are kept as they are.
    const tombstone: Tombstone = { key: conn.key, stream: conn.stream, bases: conn.bases, sourceNumA: conn.index.sourceNumA, sourceKeyA: conn.index.sourceKeyA, portA: conn.addrA.port, carry: conn.carry };
    this.tombstones.set(conn.key, tombstone);
    this.tombstoneOrder.push(tombstone);
    // Tombstones taken by later connections leave holes here: kept at most as many as the live ones.
    if (this.tombstoneOrder.length - this.tombstoneHead > 2 * this.tombstones.size + 4096) this.compactTombstoneOrder();
  }

  private forgetOldestTombstone(): void {
    const order = this.tombstoneOrder;
    for (;;) {
      const t = order[this.tombstoneHead] as Tombstone;
      order[this.tombstoneHead++] = undefined as unknown as Tombstone;
      // One taken by a later connection of its four-tuple is no longer in the Map.
      if (this.tombstones.get(t.key) === t) {
        this.tombstones.delete(t.key);
        break;
      }
    }
    if (this.tombstoneHead >= 4096 && this.tombstoneHead * 2 >= order.length) this.compactTombstoneOrder();
  }

  /** The order list from its head on, without the tombstones a later connection took. */
  private compactTombstoneOrder(): void {
    this.tombstoneOrder = this.tombstoneOrder.slice(this.tombstoneHead).filter((t) => this.tombstones.get(t.key) === t);
    this.tombstoneHead = 0;
  }
}

function isDone(s: string): boolean {
  return s === 'CLOSED' || s === 'TIME-WAIT' || s === 'LISTEN';
}

/** A compact, comparable text key for an IPv6 address (no formatting on the hot path). */
function addressKey(p: DecodedPacket, source: boolean): string {
  const a = source ? p.src6 : p.dst6;
  let s = '6';
  for (let i = 0; i < 16; i += 4) s += `.${(((a[i] as number) << 24) | ((a[i + 1] as number) << 16) | ((a[i + 2] as number) << 8) | (a[i + 3] as number)) >>> 0}`;
  return s;
}
