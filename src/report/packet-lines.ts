/**
 * One line per frame for `tcplens packets`: ndjson (an API: field names are fixed) and a text
 * form that reads like `tcpdump -n` with tcplens' frame numbers.
 */
import type { Frame } from '../capture/frame.js';
import { formatTimestamp } from '../capture/timestamp.js';
import type { TimeFormatter } from './time-format.js';
import { formatDst, formatFlagsTcpdump, formatSrc, describeIssue } from '../decode/format.js';
import { EtherType, TcpFlag } from '../decode/fields.js';
import type { DecodedPacket } from '../decode/packet.js';
import { flagNames } from '../analysis/flags/flag-bits.js';
import type { SequenceAnalysis } from '../analysis/flags/sequence-analysis.js';

/**
 * What Wireshark's TCP dissector adds to a frame, as ndjson fields: tcp.stream, the scaled
 * window (tcp.window_size, with tcp.window_size_scalefactor: -1 unknown, -2 no scaling; absent on
 * SYNs) and the tcp.analysis fields it shows for this frame.
 */
export function tcpAnalysisJson(stream: number, a: SequenceAnalysis): string {
  let s = `,"stream":${stream},"windowSize":${a.frameWindowSize}`;
  if (a.frameScaleFactor !== null) s += `,"windowScaleFactor":${a.frameScaleFactor}`;
  let inner = '';
  if (a.frameFlags !== 0) inner += `,"flags":${JSON.stringify(flagNames(a.frameFlags))}`;
  if (a.frameDupAckNum !== 0) inner += `,"duplicateAckNum":${a.frameDupAckNum},"duplicateAckFrame":${a.frameDupAckFrame}`;
  if (a.frameAckedFrame !== 0) {
    inner += `,"acksFrame":${a.frameAckedFrame}`;
    const rtt = a.frameAckRttText;
    if (rtt !== null) inner += `,"ackRtt":"${rtt}"`;
  }
  if (a.frameBytesInFlight !== 0) inner += `,"bytesInFlight":${a.frameBytesInFlight}`;
  if (inner !== '') s += `,"analysis":{${inner.slice(1)}}`;
  return s;
}

/** The ndjson line (without newline). Fields that do not apply are absent; `tcp` is tcpAnalysisJson's text. */
export function packetJson(f: Frame, p: DecodedPacket, tcp = ''): string {
  let s = `{"frame":${f.frame}`;
  if (f.hasTimestamp) s += `,"ts":"${formatTimestamp(f.tsSec, f.tsNsec)}"`;
  s += `,"caplen":${f.caplen},"len":${f.origLen},"linktype":${f.linkType},"iface":${f.iface}`;
  if (p.ipVersion !== 0) {
    s += `,"src":"${formatSrc(p)}","dst":"${formatDst(p)}"`;
    if (p.ipProto >= 0) s += `,"ipProto":${p.ipProto}`;
  }
  if (p.hasTcp) {
    s += `,"sport":${p.srcPort},"dport":${p.dstPort},"seq":${p.seq},"ack":${p.ack},"flags":${p.flags},"tcplen":${p.payloadLen},"win":${p.window}`;
    const opts = optionsJson(p);
    if (opts !== '') s += `,"opts":{${opts}}`;
    s += tcp;
  }
  if (p.issueKind !== null) s += `,"issue":${issueJson(p)}`;
  if (f.comments !== null) s += `,"comments":${JSON.stringify(f.comments)}`;
  return `${s}}`;
}

/**
 * The issue's JSON, reused while frames repeat the last one: a file of empty records repeats one
 * issue for every frame (issue 12: 67 M of them), and building its sentence and JSON per frame
 * was the largest cost of `packets` there after pcap-parser.
 */
const last = { kind: '', layer: '', field: '', value: 0, required: 0, available: 0, lenSource: '', offset: 0, json: '' };
function issueJson(p: DecodedPacket): string {
  const l = last;
  if (
    p.issueKind === l.kind && p.issueLayer === l.layer && p.issueField === l.field && p.issueValue === l.value && p.issueRequired === l.required &&
    p.issueAvailable === l.available && p.issueLenSource === l.lenSource && p.issueOffset === l.offset
  ) {
    return l.json;
  }
  l.kind = p.issueKind ?? '';
  l.layer = p.issueLayer;
  l.field = p.issueField;
  l.value = p.issueValue;
  l.required = p.issueRequired;
  l.available = p.issueAvailable;
  l.lenSource = p.issueLenSource;
  l.offset = p.issueOffset;
  l.json = JSON.stringify(describeIssue(p));
  return l.json;
}

function optionsJson(p: DecodedPacket): string {
  let s = '';
  if (p.mss >= 0) s += `,"mss":${p.mss}`;
  if (p.wscale >= 0) s += `,"wscale":${p.wscale}`;
  if (p.sackPermitted) s += ',"sackPerm":true';
  if (p.sackCount > 0) {
    s += ',"sack":[';
    for (let i = 0; i < p.sackCount; i++) s += `${i > 0 ? ',' : ''}[${p.sack[2 * i]},${p.sack[2 * i + 1]}]`;
    s += ']';
  }
  if (p.hasTimestamp) s += `,"tsval":${p.tsVal},"tsecr":${p.tsEcr}`;
  return s.slice(1);
}

/**
 * `FRAME TIME IP a.b.c.d.p > e.f.g.h.q: Flags [S.], seq …, ack …, win …, options […], length N`;
 * TIME as `time` formats it (--time), or the epoch with microseconds.
 */
export function packetText(f: Frame, p: DecodedPacket, linkName: (linkType: number) => string, time: TimeFormatter | null = null): string {
  const ts = !f.hasTimestamp ? '-' : time !== null ? time.parts(f.tsSec, f.tsNsec) : formatTimestamp(f.tsSec, f.tsNsec).slice(0, -3);
  let s = `${f.frame} ${ts} `;
  if (p.ipVersion !== 0) {
    const ip = p.ipVersion === 4 ? 'IP' : 'IP6';
    if (p.hasTcp) {
      s += `${ip} ${formatSrc(p)}.${p.srcPort} > ${formatDst(p)}.${p.dstPort}: Flags [${formatFlagsTcpdump(p.flags)}]`;
      const len = p.payloadLen;
      const seqEnd = (p.seq + len) >>> 0;
      if (len > 0) s += `, seq ${p.seq}:${seqEnd}`;
      else if ((p.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) !== 0 || (p.flags & TcpFlag.ACK) === 0) s += `, seq ${p.seq}`;
      if ((p.flags & TcpFlag.ACK) !== 0) s += `, ack ${p.ack}`;
      s += `, win ${p.window}`;
      const opts = optionsText(p);
      if (opts !== '') s += `, options [${opts}]`;
      s += `, length ${len}`;
    } else {
      s += `${ip} ${formatSrc(p)} > ${formatDst(p)}: `;
      s += p.fragment === 2 ? `fragment, proto ${p.ipProto}` : `ip-proto-${p.ipProto}`;
      s += `, length ${Math.max(0, p.ipTotalLen - p.ipHeaderLen)}`;
    }
  } else if (!p.linkSupported) {
    s += `${linkName(f.linkType)}, length ${f.origLen}`;
  } else if (p.etherType >= 0 && p.etherType !== EtherType.IPv4 && p.etherType !== EtherType.IPv6) {
    s += `ethertype 0x${p.etherType.toString(16).padStart(4, '0')}, length ${f.origLen}`;
  } else {
    s += `length ${f.origLen}`;
  }
  const issue = describeIssue(p);
  if (issue !== null) s += ` [${issue.kind} ${issue.layer}: ${issue.detail}]`;
  return s;
}

function optionsText(p: DecodedPacket): string {
  const parts: string[] = [];
  if (p.mss >= 0) parts.push(`mss ${p.mss}`);
  if (p.sackPermitted) parts.push('sackOK');
  if (p.hasTimestamp) parts.push(`TS val ${p.tsVal} ecr ${p.tsEcr}`);
  if (p.wscale >= 0) parts.push(`wscale ${p.wscale}`);
  if (p.sackCount > 0) {
    const blocks: string[] = [];
    for (let i = 0; i < p.sackCount; i++) blocks.push(`{${p.sack[2 * i]}:${p.sack[2 * i + 1]}}`);
    parts.push(`sack ${p.sackCount} ${blocks.join('')}`);
  }
  return parts.join(',');
}
