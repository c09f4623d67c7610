/**
 * Text forms of decoded values, shared by every output (one formatFlags).
 */
import { TcpFlag } from './fields.js';
import { malformedSentence, truncatedSentence, type DecodeIssue } from './issues.js';
import type { DecodedPacket } from './packet.js';

export function formatIpv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

/**
 * RFC 5952 §4: lower case, no leading zeros, the longest run (first if tied) of two or more
 * zero groups as "::"; §5: IPv4-mapped addresses end in dotted decimal.
 */
export function formatIpv6(a: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i] as number) << 8) | (a[i + 1] as number));
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** An address as a host part: IPv6 in brackets (RFC 3986 §3.2.2), so a port can follow. */
export function hostPart(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** `ip:port`, `[ipv6]:port`. */
export function formatEndpoint(a: { ip: string; port: number }): string {
  return `${hostPart(a.ip)}:${a.port}`;
}

export function formatSrc(p: DecodedPacket): string {
  return p.ipVersion === 4 ? formatIpv4(p.src4) : formatIpv6(p.src6);
}

export function formatDst(p: DecodedPacket): string {
  return p.ipVersion === 4 ? formatIpv4(p.dst4) : formatIpv6(p.dst6);
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [TcpFlag.NS, 'NS'],
  [TcpFlag.CWR, 'CWR'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.FIN, 'FIN'],
];

/** `formatFlags(0x012) === 'SYN,ACK'`: control bits first, as people say them. */
export function formatFlags(flags: number): string {
  const order: ReadonlyArray<readonly [number, string]> = [
    [TcpFlag.SYN, 'SYN'],
    [TcpFlag.FIN, 'FIN'],
    [TcpFlag.RST, 'RST'],
    [TcpFlag.PSH, 'PSH'],
    [TcpFlag.ACK, 'ACK'],
    [TcpFlag.URG, 'URG'],
    [TcpFlag.ECE, 'ECE'],
    [TcpFlag.CWR, 'CWR'],
    [TcpFlag.NS, 'NS'],
  ];
  const names: string[] = [];
  for (const [bit, name] of order) if ((flags & bit) !== 0) names.push(name);
  if ((flags & TcpFlag.RESERVED) !== 0) names.push(`RES(0x${(flags & TcpFlag.RESERVED).toString(16)})`);
  return names.length === 0 ? 'none' : names.join(',');
}

/** tcpdump's letters: S F R P U E W and '.' for ACK, e.g. "S." for SYN,ACK. */
export function formatFlagsTcpdump(flags: number): string {
  let s = '';
  if (flags & TcpFlag.SYN) s += 'S';
  if (flags & TcpFlag.FIN) s += 'F';
  if (flags & TcpFlag.RST) s += 'R';
  if (flags & TcpFlag.PSH) s += 'P';
  if (flags & TcpFlag.URG) s += 'U';
  if (flags & TcpFlag.ECE) s += 'E';
  if (flags & TcpFlag.CWR) s += 'W';
  if (flags & TcpFlag.NS) s += 'N';
  if (flags & TcpFlag.ACK) s += '.';
  return s === '' ? 'none' : s;
}

/** Every flag name, most significant first; for legends. */
export const ALL_FLAG_NAMES = FLAG_NAMES.map(([, n]) => n);

/** The issue of a damaged packet as a plain object, or null. */
export function describeIssue(p: DecodedPacket): DecodeIssue | null {
  if (p.issueKind === null) return null;
  if (p.issueKind === 'truncated') {
    const available = Math.max(0, p.issueAvailable);
    return {
      kind: 'truncated',
      layer: p.issueLayer,
      what: p.issueField,
      offset: p.issueOffset,
      required: p.issueRequired,
      available,
      limitedBy: p.issueLenSource,
      detail: truncatedSentence(p.issueField, p.issueOffset, p.issueRequired, available, p.issueLenSource),
    };
  }
  return { kind: 'malformed', layer: p.issueLayer, field: p.issueField, value: p.issueValue, offset: p.issueOffset, detail: malformedSentence(p.issueField, p.issueValue, p.issueOffset) };
}
