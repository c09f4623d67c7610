import type { IssueKind, Layer, LenSource } from './issues.js';

/**
 * One decoded frame, reused for every packet (gopacket's DecodingLayerParser): decodeInto()
 * overwrites it in place; every field is initialised here and only overwritten afterwards,
 * so the object keeps one shape. Valid until the next decodeInto().
 */
export class DecodedPacket {
  // ---- link ----------------------------------------------------------------
  linkType = 0;
  /** False when the link type is not one tcplens decodes. */
  linkSupported = false;
  /** The protocol that followed the link header(s): an EtherType, or -1. */
  etherType = -1;
  vlanCount = 0;
  /** Outermost and next VLAN ids, or -1. */
  vlanOuter = -1;
  vlanInner = -1;
  mplsLabels = 0;

  // ---- network -------------------------------------------------------------
  /** 0 when there is no IP layer, else 4 or 6. */
  ipVersion = 0;
  /** Offset of the IP header in the frame's bytes. */
  ipOffset = 0;
  /** IPv4 header length, or IPv6 fixed header plus extension headers. */
  ipHeaderLen = 0;
  /** Length of the IP packet as its header declares it (IPv4 total length; IPv6 40 + payload length). */
  ipTotalLen = 0;
  /** Upper-layer protocol after any IPv6 extension headers; -1 when unknown. */
  ipProto = -1;
  ttl = 0;
  ipId = 0;
  /** 0: not a fragment; 1: first fragment (offset 0, more follow); 2: a later fragment. */
  fragment = 0;
  src4 = 0;
  dst4 = 0;
  readonly src6 = new Uint8Array(16);
  readonly dst6 = new Uint8Array(16);

  // ---- tcp -----------------------------------------------------------------
  hasTcp = false;
  /** Offset of the TCP header in the frame's bytes. */
  tcpOffset = 0;
  srcPort = 0;
  dstPort = 0;
  /** Raw 32-bit sequence and acknowledgment numbers (unsigned). */
  seq = 0;
  ack = 0;
  /** Header length in bytes (data offset × 4). */
  tcpHeaderLen = 0;
  /** The 12-bit flag field: CWR…FIN, NS (0x100) and the three reserved bits (0xe00). */
  flags = 0;
  /** The raw, unscaled window. */
  window = 0;
  checksum = 0;
  urgent = 0;
  /** Payload bytes, from the IP length fields (not from the captured bytes). */
  payloadLen = 0;
  /** Payload bytes present in the capture (≤ payloadLen when the snap length cut it). */
  payloadCaptured = 0;

  // ---- tcp options (RFC 9293 §3.2; RFC 7323; RFC 2018) ----------------------
  /** -1 when absent. */
  mss = -1;
  /** Shift count as sent, -1 when absent. */
  wscale = -1;
  sackPermitted = false;
  sackCount = 0;
  /** left0, right0, left1, right1, … for sackCount blocks. */
  readonly sack = new Uint32Array(8);
  hasTimestamp = false;
  tsVal = 0;
  tsEcr = 0;
  /** TCP Fast Open option (RFC 7413 §4.1.1): -1 absent, 0 a cookie request, else the cookie's length in bytes. */
  tfoCookieLen = -1;

  // ---- damage --------------------------------------------------------------
  issueKind: IssueKind | null = null;
  issueLayer: Layer = 'link';
  /** For malformed: the field name; for truncated: what was being read. */
  issueField = '';
  issueValue = 0;
  issueRequired = 0;
  issueAvailable = 0;
  issueLenSource: LenSource = 'captured';
  /** Offset of the damaged layer in the frame's bytes. */
  issueOffset = 0;

  reset(linkType: number): void {
    this.linkType = linkType;
    this.linkSupported = false;
    this.etherType = -1;
    this.vlanCount = 0;
    this.vlanOuter = -1;
    this.vlanInner = -1;
    this.mplsLabels = 0;
    this.ipVersion = 0;
    this.ipOffset = 0;
    this.ipHeaderLen = 0;
    this.ipTotalLen = 0;
    this.ipProto = -1;
    this.ttl = 0;
    this.ipId = 0;
    this.fragment = 0;
    this.hasTcp = false;
    this.payloadLen = 0;
    this.payloadCaptured = 0;
    this.mss = -1;
    this.wscale = -1;
    this.sackPermitted = false;
    this.sackCount = 0;
    this.hasTimestamp = false;
    this.tfoCookieLen = -1;
    this.issueKind = null;
  }

  /** Records a length problem and returns false, so decoders can `return p.truncated(…)`. */
  truncated(layer: Layer, what: string, offset: number, required: number, available: number, source: LenSource = 'captured'): false {
    // The first issue is the cause; a later one is usually its consequence.
    if (this.issueKind !== null) return false;
    this.issueKind = 'truncated';
    this.issueLayer = layer;
    this.issueField = what;
    this.issueOffset = offset;
    this.issueRequired = required;
    this.issueAvailable = available;
    this.issueLenSource = source;
    return false;
  }

  /** Records an impossible field value and returns false. */
  malformed(layer: Layer, field: string, value: number, offset: number): false {
    if (this.issueKind !== null) return false;
    this.issueKind = 'malformed';
    this.issueLayer = layer;
    this.issueField = field;
    this.issueValue = value;
    this.issueOffset = offset;
    return false;
  }
}
