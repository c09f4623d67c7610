/**
 * A captured TCP segment copied out of the reused DecodedPacket: primitives only. The tracker
 * refills one Segment per packet (see Tracker.onPacket: valid until the next packet); whoever
 * keeps a segment past that calls copySegment().
 */
import { TcpFlag } from '../decode/fields.js';
import type { DecodedPacket } from '../decode/packet.js';

export class Segment {
  frame = 0;
  tsSec = 0;
  tsNsec = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  /** Payload bytes (from the IP lengths). */
  len = 0;
  /** Raw (unscaled) window. */
  win = 0;
  /** IP total length (IPv6: 40 + payload length), for Zeek's *_ip_bytes. */
  ipLen = 0;
  /** -1 when absent. */
  wscale = -1;
  mss = -1;
  sackPerm = false;
  /** Number of SACK blocks, and their edges (left, right, …; raw sequence numbers). */
  sackBlocks = 0;
  readonly sack = new Uint32Array(8);
  hasTimestamp = false;
  tsVal = 0;
  tsEcr = 0;
  /** TCP Fast Open option: -1 absent, 0 a cookie request, else the cookie's length (RFC 7413 §4.1.1). */
  tfoCookieLen = -1;
  /** The snap length cut the payload (fewer bytes captured than len). */
  payloadCut = false;
  /** The TCP checksum is wrong (set only when the tracker checks checksums). */
  badChecksum = false;
  /**
   * The frame's bytes and where the payload starts in them (captured payload: payloadCaptured
   * bytes), or null. A view into the reader's chunk: valid only while the packet is processed.
   */
  bytes: Uint8Array | null = null;
  payloadOffset = 0;
  payloadCaptured = 0;

  get syn(): boolean {
    return (this.flags & TcpFlag.SYN) !== 0;
  }
  get fin(): boolean {
    return (this.flags & TcpFlag.FIN) !== 0;
  }
  get rst(): boolean {
    return (this.flags & TcpFlag.RST) !== 0;
  }
  get hasAck(): boolean {
    return (this.flags & TcpFlag.ACK) !== 0;
  }
  /** Sequence space the segment occupies: payload, plus one each for SYN and FIN (RFC 9293 §3.4). */
  get seqLen(): number {
    return this.len + (this.syn ? 1 : 0) + (this.fin ? 1 : 0);
  }
  /** Timestamp as seconds (a float: for durations and rates only, never for output timestamps). */
  get time(): number {
    return this.tsSec + this.tsNsec / 1e9;
  }
}

/** Copies what the tcp stage needs out of the reused packet into `s` (reused). */
export function fillSegment(s: Segment, p: DecodedPacket, frame: number, tsSec: number, tsNsec: number): Segment {
  s.frame = frame;
  s.tsSec = tsSec;
  s.tsNsec = tsNsec;
  s.seq = p.seq;
  s.ack = p.ack;
  s.flags = p.flags;
  s.len = p.payloadLen;
  s.win = p.window;
  s.ipLen = p.ipTotalLen;
  s.wscale = p.wscale;
  s.mss = p.mss;
  s.sackPerm = p.sackPermitted;
  s.sackBlocks = p.sackCount;
  if (p.sackCount > 0) s.sack.set(p.sack);
  s.hasTimestamp = p.hasTimestamp;
  s.tsVal = p.tsVal;
  s.tsEcr = p.tsEcr;
  s.tfoCookieLen = p.tfoCookieLen;
  s.payloadCut = p.payloadCaptured < p.payloadLen;
  s.badChecksum = false;
  s.bytes = null;
  s.payloadOffset = p.tcpOffset + p.tcpHeaderLen;
  s.payloadCaptured = p.payloadCaptured;
  return s;
}

/** A copy of a (reused) segment, for keeping. */
export function copySegment(from: Segment): Segment {
  const s = Object.assign(new Segment(), from, { sack: from.sack.slice() });
  s.bytes = null; // the frame's bytes are not kept
  return s;
}
