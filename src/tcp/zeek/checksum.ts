/**
 * The TCP checksum check Zeek makes before processing a segment (zeek/zeek
 * src/analyzer/protocol/tcp/TCP_Endpoint.cc ValidChecksum: the one's-complement sum over the
 * pseudo-header and the TCP segment must be 0xffff). Reads the frame's bytes in place.
 */
import type { DecodedPacket } from '../../decode/packet.js';
import type { Segment } from '../segment.js';
import type { ZeekConfig } from './config.js';

/**
 * TCPAnalyzer::DeliverPacket → ValidateChecksum: Zeek skips a segment whose checksum is wrong,
 * unless -C (ignore_checksums) or the segment was not captured whole (caplen >= len). The
 * session (session.ts process) and the capture's offloading count (checksum-offloading.ts) both ask.
 */
export function zeekSkipsForChecksum(seg: Segment, cfg: ZeekConfig): boolean {
  return seg.badChecksum && !cfg.ignoreChecksums && !seg.payloadCut;
}

/** True when the segment's checksum is right, or cannot be checked (payload not captured whole). */
export function tcpChecksumOk(bytes: Uint8Array, p: DecodedPacket): boolean {
  if (p.payloadCaptured < p.payloadLen) return true;
  const start = p.tcpOffset;
  const tcpLen = p.tcpHeaderLen + p.payloadLen;
  const end = start + tcpLen;
  if (end > bytes.length) return true;
  let sum = 0;
  // Pseudo-header: addresses, protocol, TCP length (RFC 9293 §3.1; RFC 8200 §8.1 for IPv6).
  if (p.ipVersion === 4) {
    sum += (p.src4 >>> 16) + (p.src4 & 0xffff) + (p.dst4 >>> 16) + (p.dst4 & 0xffff);
  } else {
    for (let i = 0; i < 16; i += 2) sum += (((p.src6[i] as number) << 8) | (p.src6[i + 1] as number)) + (((p.dst6[i] as number) << 8) | (p.dst6[i + 1] as number));
  }
  sum += 6 + tcpLen;
  // Eight bytes a step (RFC 1071 §4.1's unrolled loop) as two big-endian 32-bit reads, each two
  // 16-bit words; the sum stays far below 2^53.
  const view = viewOf(bytes);
  let i = bytes.byteOffset + start;
  const last = bytes.byteOffset + end;
  const end8 = last - 7;
  for (; i < end8; i += 8) {
    const w = view.getUint32(i);
    const x = view.getUint32(i + 4);
    sum += (w >>> 16) + (w & 0xffff) + (x >>> 16) + (x & 0xffff);
  }
  for (; i + 1 < last; i += 2) sum += view.getUint16(i);
  if (i < last) sum += view.getUint8(i) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
  return sum === 0xffff;
}

/**
 * A DataView of the memory a frame's bytes lie in, made once per buffer (the reader hands on
 * frames as views of a few large buffers): no object per packet.
 */
let lastView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
function viewOf(bytes: Uint8Array): DataView<ArrayBufferLike> {
  if (lastView.buffer !== bytes.buffer) lastView = new DataView(bytes.buffer);
  return lastView;
}
