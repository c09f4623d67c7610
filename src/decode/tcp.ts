/**
 * TCP header, RFC 9293 §3.1. The segment length comes from the IP layer; the payload length
 * is that minus the header length, whatever the snap length left in the capture.
 */
import { u16, u32, u8 } from './bytes.js';
import { TCP } from './fields.js';
import type { DecodedPacket } from './packet.js';
import { decodeTcpOptions } from './tcp-options.js';

/**
 * `end`: end of the captured bytes; `segmentLen`: the TCP segment length the IP header declares.
 * Returns true when the header (options included) was fully decoded.
 */
export function decodeTcp(b: Uint8Array, off: number, end: number, segmentLen: number, p: DecodedPacket): boolean {
  const available = Math.min(end - off, segmentLen);
  if (available < TCP.MIN_LEN) {
    return p.truncated('tcp', 'TCP header', off, TCP.MIN_LEN, available, end - off < segmentLen ? 'captured' : 'ip-length');
  }
  const dataOffset = u8(b, off + TCP.DATA_OFFSET) >> 4;
  p.hasTcp = true;
  p.tcpOffset = off;
  p.srcPort = u16(b, off + TCP.SRC_PORT);
  p.dstPort = u16(b, off + TCP.DST_PORT);
  p.seq = u32(b, off + TCP.SEQ);
  p.ack = u32(b, off + TCP.ACK);
  // The low nibble of byte 12 holds three reserved bits and NS (RFC 3540): 12 bits in all.
  p.flags = ((u8(b, off + TCP.DATA_OFFSET) & 0x0f) << 8) | u8(b, off + TCP.FLAGS);
  p.window = u16(b, off + TCP.WINDOW);
  p.checksum = u16(b, off + TCP.CHECKSUM);
  p.urgent = u16(b, off + TCP.URGENT);
  const headerLen = dataOffset * 4;
  p.tcpHeaderLen = headerLen;
  if (dataOffset < TCP.MIN_DATA_OFFSET) {
    p.payloadLen = 0;
    return p.malformed('tcp', 'dataOffset', dataOffset, off);
  }
  if (headerLen > segmentLen) {
    p.payloadLen = 0;
    return p.truncated('tcp', 'TCP options', off, headerLen, segmentLen, 'ip-length');
  }
  p.payloadLen = segmentLen - headerLen;
  p.payloadCaptured = Math.max(0, Math.min(end - off - headerLen, p.payloadLen));
  if (end - off < headerLen) {
    return p.truncated('tcp-options', 'TCP options', off + TCP.MIN_LEN, headerLen - TCP.MIN_LEN, end - off - TCP.MIN_LEN);
  }
  return decodeTcpOptions(b, off + TCP.MIN_LEN, off + headerLen, p);
}
