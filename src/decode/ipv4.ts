/**
 * IPv4, RFC 791 §3.1. Lengths come from the header, never from the captured bytes: the total
 * length trims Ethernet padding, and a packet cut by the snap length still yields its TCP header.
 */
import { u16, u32, u8 } from './bytes.js';
import { IPV4 } from './fields.js';
import type { DecodedPacket } from './packet.js';

/**
 * `end`: end of the captured bytes; `wireEnd`: end of the frame as it was on the wire.
 * Decodes the header at `off`; returns the offset of the transport header, or -1. On success
 * p.ipTotalLen bounds the packet: the transport layer ends at p.ipOffset + p.ipTotalLen.
 */
export function decodeIpv4(b: Uint8Array, off: number, end: number, wireEnd: number, p: DecodedPacket): number {
  const available = end - off;
  if (available < IPV4.MIN_LEN) {
    p.truncated('ipv4', 'IPv4 header', off, IPV4.MIN_LEN, available);
    return -1;
  }
  const versionIhl = u8(b, off + IPV4.VERSION_IHL);
  const version = versionIhl >> 4;
  if (version !== 4) {
    p.malformed('ipv4', 'version', version, off);
    return -1;
  }
  const headerLen = (versionIhl & 0x0f) * 4;
  if (headerLen < IPV4.MIN_LEN) {
    p.malformed('ipv4', 'headerLength', headerLen, off);
    return -1;
  }
  p.ipVersion = 4;
  p.ipOffset = off;
  p.ipHeaderLen = headerLen;
  p.ipProto = u8(b, off + IPV4.PROTOCOL);
  p.ttl = u8(b, off + IPV4.TTL);
  p.ipId = u16(b, off + IPV4.ID);
  p.src4 = u32(b, off + IPV4.SRC);
  p.dst4 = u32(b, off + IPV4.DST);
  let totalLen = u16(b, off + IPV4.TOTAL_LEN);
  if (totalLen === 0) {
    // Observed in the wild: with TCP segmentation offload the stack hands the capture an
    // unsegmented packet whose total length is 0; like gopacket's ip4.go, use what was captured.
    totalLen = available;
  } else if (totalLen < headerLen) {
    p.malformed('ipv4', 'totalLength', totalLen, off);
    return -1;
  }
  if (off + totalLen > wireEnd) {
    // The header claims more than was on the wire (tcpdump: "truncated-ip - N bytes missing"):
    // like Wireshark, keep to the bytes that existed.
    p.truncated('ipv4', 'IPv4 packet', off, totalLen, wireEnd - off, 'frame-length');
    totalLen = wireEnd - off;
  }
  p.ipTotalLen = totalLen;
  if (available < headerLen) {
    p.truncated('ipv4', 'IPv4 options', off, headerLen, available);
    return -1;
  }
  const fragment = u16(b, off + IPV4.FLAGS_FRAGMENT);
  if ((fragment & IPV4.FRAGMENT_OFFSET_MASK) !== 0) {
    // RFC 791: only the fragment at offset 0 carries the transport header.
    p.fragment = 2;
    return -1;
  }
  if ((fragment & IPV4.MORE_FRAGMENTS) !== 0) p.fragment = 1;
  return off + headerLen;
}
