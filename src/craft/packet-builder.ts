/**
 * Builds Ethernet / IPv4 or IPv6 / TCP frames byte by byte, with correct checksums: the inverse
 * of decode/, for the bundled samples, the benchmark capture and unit tests. Never used on the
 * reading path.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ETHERNET, EtherType, IPV4, IPV6, IpProto, TCP, TcpOption } from '../decode/fields.js';
import { finishChecksum, onesComplementSum } from './checksum.js';

export interface TcpOptionsSpec {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  /** [tsval, tsecr] */
  ts?: readonly [number, number];
  sack?: ReadonlyArray<readonly [number, number]>;
}

export interface SegmentSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  /** TcpFlag bits (12-bit field). */
  flags: number;
  win?: number;
  /** Payload bytes, or a length to fill with a repeating pattern. */
  payload?: Uint8Array | number;
  options?: TcpOptionsSpec;
  ttl?: number;
  ipId?: number;
  urgent?: number;
}

const SRC_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const DST_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

export function parseIpv4(addr: string): number[] {
  return addr.split('.').map((x) => Number(x));
}

export function parseIpv6(addr: string): number[] {
  let [head, tail] = addr.includes('::') ? (addr.split('::') as [string, string]) : [addr, ''];
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out: number[] = [];
  for (const g of groups) {
    const v = Number.parseInt(g, 16);
    out.push(v >> 8, v & 0xff);
  }
  return out;
}

/** TCP options bytes, padded with NOPs/EOL to a multiple of 4. */
export function encodeTcpOptions(o: TcpOptionsSpec | undefined): number[] {
  const out: number[] = [];
  if (o === undefined) return out;
  if (o.mss !== undefined) out.push(TcpOption.MSS, TcpOption.MSS_LEN, o.mss >> 8, o.mss & 0xff);
  if (o.sackPerm === true) out.push(TcpOption.SACK_PERMITTED, TcpOption.SACK_PERMITTED_LEN);
  if (o.ts !== undefined) {
    out.push(TcpOption.TIMESTAMP, TcpOption.TIMESTAMP_LEN, ...be32(o.ts[0]), ...be32(o.ts[1]));
  }
  if (o.wscale !== undefined) out.push(TcpOption.NOP, TcpOption.WSCALE, TcpOption.WSCALE_LEN, o.wscale);
  if (o.sack !== undefined && o.sack.length > 0) {
    out.push(TcpOption.NOP, TcpOption.NOP, TcpOption.SACK, 2 + o.sack.length * TcpOption.SACK_BLOCK_LEN);
    for (const [l, r] of o.sack) out.push(...be32(l), ...be32(r));
  }
  while (out.length % 4 !== 0) out.push(TcpOption.EOL);
  return out;
}

function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** A full Ethernet II frame carrying the segment. */
export function buildTcpFrame(s: SegmentSpec): Buffer {
  const v6 = isIPv6(s.src);
  if (!v6 && !isIPv4(s.src)) throw new Error(`not an IP address: ${s.src}`);
  const opts = encodeTcpOptions(s.options);
  const payload = typeof s.payload === 'number' ? patternPayload(s.payload) : (s.payload ?? new Uint8Array(0));
  const tcpLen = TCP.MIN_LEN + opts.length + payload.length;
  const ipHeaderLen = v6 ? IPV6.HEADER_LEN : IPV4.MIN_LEN;
  const frame = Buffer.alloc(ETHERNET.HEADER_LEN + ipHeaderLen + tcpLen);
  frame.set(DST_MAC, ETHERNET.DST);
  frame.set(SRC_MAC, ETHERNET.SRC);
  frame.writeUInt16BE(v6 ? EtherType.IPv6 : EtherType.IPv4, ETHERNET.TYPE);
  const ip = ETHERNET.HEADER_LEN;
  const tcp = ip + ipHeaderLen;
  let pseudo: number;
  if (v6) {
    frame[ip] = 0x60;
    frame.writeUInt16BE(tcpLen, ip + IPV6.PAYLOAD_LEN);
    frame[ip + IPV6.NEXT_HEADER] = IpProto.TCP;
    frame[ip + IPV6.HOP_LIMIT] = s.ttl ?? 64;
    frame.set(parseIpv6(s.src), ip + IPV6.SRC);
    frame.set(parseIpv6(s.dst), ip + IPV6.DST);
    pseudo = onesComplementSum(frame, ip + IPV6.SRC, ip + IPV6.DST + 16, tcpLen + IpProto.TCP);
  } else {
    frame[ip] = 0x45;
    frame.writeUInt16BE(ipHeaderLen + tcpLen, ip + IPV4.TOTAL_LEN);
    frame.writeUInt16BE(s.ipId ?? 0, ip + IPV4.ID);
    frame.writeUInt16BE(0x4000, ip + IPV4.FLAGS_FRAGMENT); // DF
    frame[ip + IPV4.TTL] = s.ttl ?? 64;
    frame[ip + IPV4.PROTOCOL] = IpProto.TCP;
    frame.set(parseIpv4(s.src), ip + IPV4.SRC);
    frame.set(parseIpv4(s.dst), ip + IPV4.DST);
    frame.writeUInt16BE(finishChecksum(onesComplementSum(frame, ip, ip + IPV4.MIN_LEN)), ip + 10);
    pseudo = onesComplementSum(frame, ip + IPV4.SRC, ip + IPV4.DST + 4, tcpLen + IpProto.TCP);
  }
  frame.writeUInt16BE(s.sport, tcp + TCP.SRC_PORT);
  frame.writeUInt16BE(s.dport, tcp + TCP.DST_PORT);
  frame.writeUInt32BE(s.seq >>> 0, tcp + TCP.SEQ);
  frame.writeUInt32BE((s.ack ?? 0) >>> 0, tcp + TCP.ACK);
  frame[tcp + TCP.DATA_OFFSET] = (((TCP.MIN_LEN + opts.length) / 4) << 4) | ((s.flags >> 8) & 0x0f);
  frame[tcp + TCP.FLAGS] = s.flags & 0xff;
  frame.writeUInt16BE(s.win ?? 65535, tcp + TCP.WINDOW);
  frame.writeUInt16BE(s.urgent ?? 0, tcp + TCP.URGENT);
  frame.set(opts, tcp + TCP.MIN_LEN);
  frame.set(payload, tcp + TCP.MIN_LEN + opts.length);
  frame.writeUInt16BE(finishChecksum(onesComplementSum(frame, tcp, frame.length, pseudo)), tcp + TCP.CHECKSUM);
  return frame;
}

const PATTERN = Buffer.from('tcplens sample payload. ');

function patternPayload(n: number): Uint8Array {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += PATTERN.length) PATTERN.copy(out, i, 0, Math.min(PATTERN.length, n - i));
  return out;
}
