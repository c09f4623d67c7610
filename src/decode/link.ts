/**
 * Link layers other than Ethernet: Linux cooked v1 and v2, BSD loopback (NULL, LOOP),
 * raw IP, IP-over-InfiniBand and Linux NFLOG. Each returns the network-layer offset and
 * leaves its protocol in p.etherType, or -1.
 */
import { u16, u16le, u32, u32le, u8 } from './bytes.js';
import { decodeEtherPayload, decodeEthernet } from './ethernet.js';
import { AddressFamily, Arphrd, EtherType, IPOIB, LinkType, NFLOG, NULL_HEADER_LEN, SLL, SLL2 } from './fields.js';
import type { DecodedPacket } from './packet.js';

/** Whether decodeLink understands this link type. */
export function isSupportedLinkType(linkType: number): boolean {
  switch (linkType) {
    case LinkType.NULL:
    case LinkType.ETHERNET:
    case LinkType.RAW_12:
    case LinkType.RAW_14:
    case LinkType.RAW:
    case LinkType.LOOP:
    case LinkType.LINUX_SLL:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case LinkType.NFLOG:
    case LinkType.IPOIB:
    case LinkType.LINUX_SLL2:
      return true;
    default:
      return false;
  }
}

/** `littleEndianHost`: the capture file's byte order, which NFLOG's host-order fields follow. */
export function decodeLink(b: Uint8Array, off: number, end: number, p: DecodedPacket, littleEndianHost: boolean): number {
  switch (p.linkType) {
    case LinkType.ETHERNET:
      return decodeEthernet(b, off, end, p);
    case LinkType.LINUX_SLL:
      return decodeCooked(b, off, end, p, SLL.HEADER_LEN, SLL.PROTOCOL, SLL.HATYPE, 'Linux cooked (SLL) header');
    case LinkType.LINUX_SLL2:
      return decodeCooked(b, off, end, p, SLL2.HEADER_LEN, SLL2.PROTOCOL, SLL2.HATYPE, 'Linux cooked v2 (SLL2) header');
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeLoopback(b, off, end, p);
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14:
      return decodeRawByVersion(b, off, end, p);
    case LinkType.IPV4:
      p.etherType = EtherType.IPv4;
      return off;
    case LinkType.IPV6:
      p.etherType = EtherType.IPv6;
      return off;
    case LinkType.IPOIB:
      if (end - off < IPOIB.HEADER_LEN) {
        p.truncated('link', 'IPoIB header', off, IPOIB.HEADER_LEN, end - off);
        return -1;
      }
      return decodeEtherPayload(b, off + IPOIB.HEADER_LEN, end, p, u16(b, off + IPOIB.TYPE));
    case LinkType.NFLOG:
      return decodeNflog(b, off, end, p, littleEndianHost);
    default:
      return -1;
  }
}

/** SLL / SLL2: the protocol field is an EtherType, except for netlink captures. */
function decodeCooked(
  b: Uint8Array,
  off: number,
  end: number,
  p: DecodedPacket,
  headerLen: number,
  protocolAt: number,
  hatypeAt: number,
  what: string,
): number {
  if (end - off < headerLen) {
    p.truncated('link', what, off, headerLen, end - off);
    return -1;
  }
  if (u16(b, off + hatypeAt) === Arphrd.NETLINK) return -1;
  const protocol = u16(b, off + protocolAt);
  if (protocol <= EtherType.MAX_8023_LENGTH) return -1;
  return decodeEtherPayload(b, off + headerLen, end, p, protocol);
}

/**
 * DLT_NULL / DLT_LOOP: a 4-byte address family, in the byte order of the machine that
 * captured (NULL) or in network order (LOOP); either way, a value with high bits set was
 * written in the other order (Wireshark's packet-null.c does the same).
 */
function decodeLoopback(b: Uint8Array, off: number, end: number, p: DecodedPacket): number {
  if (end - off < NULL_HEADER_LEN) {
    p.truncated('link', 'loopback header', off, NULL_HEADER_LEN, end - off);
    return -1;
  }
  let family = u32(b, off);
  if ((family & 0xffff0000) !== 0) family = u32le(b, off);
  switch (family) {
    case AddressFamily.INET:
      p.etherType = EtherType.IPv4;
      return off + NULL_HEADER_LEN;
    case AddressFamily.INET6_LINUX:
    case AddressFamily.INET6_BSD:
    case AddressFamily.INET6_FREEBSD:
    case AddressFamily.INET6_DARWIN:
      p.etherType = EtherType.IPv6;
      return off + NULL_HEADER_LEN;
    default:
      return -1;
  }
}

function decodeRawByVersion(b: Uint8Array, off: number, end: number, p: DecodedPacket): number {
  if (end <= off) {
    p.truncated('link', 'raw IP version', off, 1, 0);
    return -1;
  }
  const version = u8(b, off) >> 4;
  if (version === 4) p.etherType = EtherType.IPv4;
  else if (version === 6) p.etherType = EtherType.IPv6;
  else {
    p.malformed('link', 'ipVersion', version, off);
    return -1;
  }
  return off;
}

/** Linux NFLOG (https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html): the packet is TLV type 9. */
function decodeNflog(b: Uint8Array, off: number, end: number, p: DecodedPacket, littleEndianHost: boolean): number {
  if (end - off < NFLOG.HEADER_LEN) {
    p.truncated('link', 'NFLOG header', off, NFLOG.HEADER_LEN, end - off);
    return -1;
  }
  let o = off + NFLOG.HEADER_LEN;
  while (end - o >= NFLOG.TLV_HEADER_LEN) {
    const len = littleEndianHost ? u16le(b, o) : u16(b, o);
    const type = littleEndianHost ? u16le(b, o + 2) : u16(b, o + 2);
    if (len < NFLOG.TLV_HEADER_LEN) {
      p.malformed('link', 'nflogTlvLength', len, o);
      return -1;
    }
    if (type === NFLOG.TLV_PAYLOAD) {
      const payload = o + NFLOG.TLV_HEADER_LEN;
      return decodeRawByVersion(b, payload, Math.min(end, o + len), p);
    }
    o += (len + 3) & ~3;
  }
  return -1;
}
