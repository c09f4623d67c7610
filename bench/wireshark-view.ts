/**
 * One TCP frame as tshark's fields show it (their names, tshark's text: '' when tshark shows
 * nothing, '1' for a flag), from tcplens's analysis of that frame. Shared by the agreement tool
 * (bench/wireshark-agreement.ts) and the oracle tests (test/support/wireshark-oracle.ts).
 */
import { flagNames, WIRESHARK_FLAGS } from '../src/analysis/flags/flag-bits.js';
import type { SequenceAnalysis } from '../src/analysis/flags/sequence-analysis.js';
import { TcpFlag } from '../src/decode/fields.js';
import type { DecodedPacket } from '../src/decode/packet.js';
import type { Connection } from '../src/tcp/connection.js';

export type FrameView = Record<string, string>;

/** `fromA`: whether the frame came from the connection's endpoint a. */
export function wiresharkView(conn: Connection, packet: DecodedPacket, a: SequenceAnalysis, fromA: boolean): FrameView {
  const row: FrameView = {
    'tcp.stream': String(conn.stream),
    'tcp.seq': String((packet.seq - conn.bases.base(fromA)) >>> 0),
    // tshark prints tcp.ack as 0 without the ACK flag: '' here, so callers skip it.
    'tcp.ack': packet.flags & TcpFlag.ACK ? String((packet.ack - conn.bases.base(!fromA)) >>> 0) : '',
    'tcp.window_size': String(a.frameWindowSize),
    'tcp.window_size_scalefactor': a.frameScaleFactor === null ? '' : String(a.frameScaleFactor),
    'tcp.analysis.acks_frame': a.frameAckedFrame ? String(a.frameAckedFrame) : '',
    'tcp.analysis.ack_rtt': a.frameAckRttText ?? '',
    'tcp.analysis.bytes_in_flight': a.frameBytesInFlight ? String(a.frameBytesInFlight) : '',
    'tcp.analysis.duplicate_ack_num': a.frameDupAckNum ? String(a.frameDupAckNum) : '',
    'tcp.analysis.duplicate_ack_frame': a.frameDupAckNum ? String(a.frameDupAckFrame) : '',
    'tcp.analysis.initial_rtt': a.irttText ?? '',
  };
  const names = new Set<string>(flagNames(a.frameFlags));
  for (const f of WIRESHARK_FLAGS) row[`tcp.analysis.${f}`] = names.has(f) ? '1' : '';
  return row;
}
