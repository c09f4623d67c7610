/**
 * The layer walk: link → IPv4/IPv6 → TCP, into one reused DecodedPacket. No allocation per
 * packet; damage is recorded in the packet, never thrown, and nothing is allocated per packet (gopacket's DecodingLayerParser idea).
 */
import type { Frame } from '../capture/frame.js';
import { EtherType, IpProto } from './fields.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLink, isSupportedLinkType } from './link.js';
import type { DecodedPacket } from './packet.js';
import { decodeTcp } from './tcp.js';

/** Decodes `frame` into `p` (overwritten; valid until the next call). Returns p.hasTcp. */
export function decodeInto(frame: Frame, p: DecodedPacket): boolean {
  const tcp = decodeLayers(frame, p);
  // Decoders index frame.bytes; an issue's offset is told from the frame's first byte (pcapng
  // blocks and pcap ranges read in parallel start a frame inside a larger buffer).
  if (p.issueKind !== null) p.issueOffset -= frame.start;
  return tcp;
}

function decodeLayers(frame: Frame, p: DecodedPacket): boolean {
  p.reset(frame.linkType);
  if (!isSupportedLinkType(frame.linkType)) return false;
  p.linkSupported = true;
  const b = frame.bytes;
  const end = frame.start + frame.caplen;
  const net = decodeLink(b, frame.start, end, p, frame.littleEndian);
  if (net < 0) return false;
  const wireEnd = frame.start + Math.max(frame.origLen, frame.caplen);
  let transport: number;
  if (p.etherType === EtherType.IPv4) transport = decodeIpv4(b, net, end, wireEnd, p);
  else if (p.etherType === EtherType.IPv6) transport = decodeIpv6(b, net, end, wireEnd, p);
  else return false;
  if (transport < 0 || p.ipProto !== IpProto.TCP) return false;
  const segmentLen = p.ipOffset + p.ipTotalLen - transport;
  decodeTcp(b, transport, end, segmentLen, p);
  return p.hasTcp;
}
