/**
 * Ethernet II (IEEE 802.3) and what can sit between it and IP: 802.1Q / 802.1ad VLAN tags
 * (stacked), MPLS label stacks (RFC 3032) and PPPoE sessions (RFC 2516).
 * Each function returns the offset of the network header and leaves its EtherType in
 * p.etherType, or returns -1 (with an issue when the bytes were damaged).
 */
import { u16, u8 } from './bytes.js';
import { ETHERNET, EtherType, MPLS, PPPOE, PppProto, VLAN } from './fields.js';
import type { DecodedPacket } from './packet.js';

export function decodeEthernet(b: Uint8Array, off: number, end: number, p: DecodedPacket): number {
  if (end - off < ETHERNET.HEADER_LEN) {
    p.truncated('link', 'Ethernet header', off, ETHERNET.HEADER_LEN, end - off);
    return -1;
  }
  return decodeEtherPayload(b, off + ETHERNET.HEADER_LEN, end, p, u16(b, off + ETHERNET.TYPE));
}

/** Follows tags and shims from an EtherType at `off` to the network layer. */
export function decodeEtherPayload(b: Uint8Array, off: number, end: number, p: DecodedPacket, type: number): number {
  for (;;) {
    switch (type) {
      case EtherType.VLAN:
      case EtherType.QINQ:
      case EtherType.QINQ_OLD: {
        if (end - off < VLAN.TAG_LEN) {
          p.truncated('vlan', '802.1Q tag', off, VLAN.TAG_LEN, end - off);
          return -1;
        }
        if (p.vlanCount >= VLAN.MAX_TAGS) {
          p.malformed('vlan', 'tagCount', p.vlanCount + 1, off);
          return -1;
        }
        const vid = u16(b, off + VLAN.TCI) & VLAN.VID_MASK;
        if (p.vlanCount === 0) p.vlanOuter = vid;
        else if (p.vlanCount === 1) p.vlanInner = vid;
        p.vlanCount++;
        type = u16(b, off + VLAN.TYPE);
        off += VLAN.TAG_LEN;
        break;
      }
      case EtherType.MPLS_UNICAST:
      case EtherType.MPLS_MULTICAST:
        return decodeMpls(b, off, end, p);
      case EtherType.PPPOE_SESSION:
        return decodePppoe(b, off, end, p);
      default:
        p.etherType = type;
        return off;
    }
  }
}

/** RFC 3032 label stack; the payload after bottom-of-stack is IP by its version nibble (as Wireshark guesses). */
function decodeMpls(b: Uint8Array, off: number, end: number, p: DecodedPacket): number {
  for (;;) {
    if (end - off < MPLS.LABEL_LEN) {
      p.truncated('mpls', 'MPLS label', off, MPLS.LABEL_LEN, end - off);
      return -1;
    }
    if (p.mplsLabels >= MPLS.MAX_LABELS) {
      p.malformed('mpls', 'labelCount', p.mplsLabels + 1, off);
      return -1;
    }
    p.mplsLabels++;
    const bottom = (u8(b, off + MPLS.BOS_BYTE) & MPLS.BOTTOM_OF_STACK) !== 0;
    off += MPLS.LABEL_LEN;
    if (bottom) break;
  }
  if (off >= end) return -1;
  const version = u8(b, off) >> 4;
  if (version === 4) p.etherType = EtherType.IPv4;
  else if (version === 6) p.etherType = EtherType.IPv6;
  else return -1;
  return off;
}

function decodePppoe(b: Uint8Array, off: number, end: number, p: DecodedPacket): number {
  const need = PPPOE.HEADER_LEN + PPPOE.PPP_PROTO_LEN;
  if (end - off < need) {
    p.truncated('pppoe', 'PPPoE header', off, need, end - off);
    return -1;
  }
  const proto = u16(b, off + PPPOE.HEADER_LEN);
  if (proto === PppProto.IPv4) p.etherType = EtherType.IPv4;
  else if (proto === PppProto.IPv6) p.etherType = EtherType.IPv6;
  else return -1;
  return off + need;
}
