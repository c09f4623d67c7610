/**
 * IPv6, RFC 8200 §3, and its extension header chain (§4): hop-by-hop, routing, fragment,
 * destination options, and AH (RFC 4302) are walked to find the upper-layer protocol.
 */
import { u16, u8 } from './bytes.js';
import { IPV6, IpProto } from './fields.js';
import type { DecodedPacket } from './packet.js';

/** Decodes the header chain at `off`; returns the offset of the transport header, or -1. */
export function decodeIpv6(b: Uint8Array, off: number, end: number, wireEnd: number, p: DecodedPacket): number {
  const available = end - off;
  if (available < IPV6.HEADER_LEN) {
    p.truncated('ipv6', 'IPv6 header', off, IPV6.HEADER_LEN, available);
    return -1;
  }
  const version = u8(b, off) >> 4;
  if (version !== 6) {
    p.malformed('ipv6', 'version', version, off);
    return -1;
  }
  p.ipVersion = 6;
  p.ipOffset = off;
  p.ttl = u8(b, off + IPV6.HOP_LIMIT);
  for (let i = 0; i < IPV6.ADDR_LEN; i++) {
    p.src6[i] = b[off + IPV6.SRC + i] as number;
    p.dst6[i] = b[off + IPV6.DST + i] as number;
  }
  const payloadLen = u16(b, off + IPV6.PAYLOAD_LEN);
  // A payload length of 0 means a jumbogram (RFC 2675) or an offloaded super-packet: use
  // what was captured, as for IPv4 total length 0.
  p.ipTotalLen = payloadLen === 0 ? available : IPV6.HEADER_LEN + payloadLen;
  if (off + p.ipTotalLen > wireEnd) {
    // More than was on the wire: keep to the bytes that existed, as for IPv4.
    p.truncated('ipv6', 'IPv6 packet', off, p.ipTotalLen, wireEnd - off, 'frame-length');
    p.ipTotalLen = wireEnd - off;
  }
  const limit = Math.min(end, off + p.ipTotalLen);
  let next = u8(b, off + IPV6.NEXT_HEADER);
  let o = off + IPV6.HEADER_LEN;
  for (;;) {
    switch (next) {
      case IpProto.HOPOPTS:
      case IpProto.ROUTING:
      case IpProto.DSTOPTS:
      case IpProto.AH: {
        if (limit - o < 2) {
          p.ipHeaderLen = o - off;
          p.truncated('ipv6', `extension header ${next}`, o, 2, limit - o);
          return -1;
        }
        // AH counts 4-byte units minus 2 (RFC 4302 §2.2); the others 8-byte units minus 1.
        const len = next === IpProto.AH ? (u8(b, o + 1) + 2) * 4 : (u8(b, o + 1) + 1) * 8;
        if (limit - o < len) {
          p.ipHeaderLen = o - off;
          p.truncated('ipv6', `extension header ${next}`, o, len, limit - o);
          return -1;
        }
        next = u8(b, o);
        o += len;
        break;
      }
      case IpProto.FRAGMENT: {
        if (limit - o < IPV6.FRAGMENT_HEADER_LEN) {
          p.ipHeaderLen = o - off;
          p.truncated('ipv6', 'fragment header', o, IPV6.FRAGMENT_HEADER_LEN, limit - o);
          return -1;
        }
        const offsetFlags = u16(b, o + IPV6.FRAGMENT_OFFSET);
        next = u8(b, o);
        o += IPV6.FRAGMENT_HEADER_LEN;
        if (offsetFlags >> 3 !== 0) {
          p.fragment = 2;
          p.ipProto = next;
          p.ipHeaderLen = o - off;
          return -1;
        }
        // An atomic fragment (offset 0, M clear; RFC 6946) is a whole packet.
        if ((offsetFlags & IPV6.MORE_FRAGMENTS) !== 0) p.fragment = 1;
        break;
      }
      default:
        p.ipProto = next;
        p.ipHeaderLen = o - off;
        return next === IpProto.NONE || next === IpProto.ESP ? -1 : o;
    }
  }
}
