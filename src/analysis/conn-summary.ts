/**
 * Zeek's one-word verdicts, computed exactly as zeek/zeek scripts/base/protocols/conn/main.zeek
 * computes conn_state (Zeek scripts/base/protocols/conn/main.zeek, conn_state()), from the two Zeek endpoint states and the history.
 */
import type { Connection } from '../tcp/connection.js';
import { ZeekState } from '../tcp/zeek/endpoint.js';
import type { ZeekSession } from '../tcp/zeek/session.js';

export type ConnState = 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

export const CONN_STATE_MEANING: Record<ConnState, string> = {
  S0: 'connection attempt seen, no reply',
  S1: 'established, not terminated',
  SF: 'normal establishment and termination (both sides sent a FIN)',
  REJ: 'connection attempt rejected',
  S2: 'established, close attempt by originator seen (but no reply from responder)',
  S3: 'established, close attempt by responder seen (but no reply from originator)',
  RSTO: 'established, originator aborted (sent a RST)',
  RSTR: 'responder sent a RST',
  RSTOS0: 'originator sent a SYN followed by a RST, never saw a SYN-ACK from the responder',
  RSTRH: 'responder sent a SYN ACK followed by a RST, never saw a SYN from the (purported) originator',
  SH: 'originator sent a SYN followed by a FIN, never saw a SYN ACK from the responder (hence the connection was "half" open)',
  SHR: 'responder sent a SYN ACK followed by a FIN, never saw a SYN from the originator',
  OTH: 'no SYN seen, just midstream traffic (one example of this is a "partial connection" that was not later closed)',
};

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/;

/** conn_state of the connection's first Zeek row. */
export function connState(conn: Connection): ConnState {
  return zeekConnState(conn.zeek);
}

export function zeekConnState(z: ZeekSession): ConnState {
  const os = z.orig.state;
  const rs = z.resp.state;
  const inactive = (s: ZeekState): boolean => s === ZeekState.INACTIVE || s === ZeekState.PARTIAL;
  if (rs === ZeekState.RESET) {
    if (os === ZeekState.SYN_SENT || os === ZeekState.SYN_ACK_SENT) return 'REJ';
    if (os === ZeekState.RESET && z.orig.size() === 0 && z.resp.size() === 0) return 'REJ';
    if (inactive(os)) return 'RSTRH';
    return 'RSTR';
  }
  if (os === ZeekState.RESET) {
    if (inactive(rs)) return RSTOS0_HISTORY.test(z.history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (os === ZeekState.CLOSED && rs === ZeekState.CLOSED) return 'SF';
  if (os === ZeekState.CLOSED) return inactive(rs) ? 'SH' : 'S2';
  if (rs === ZeekState.CLOSED) return inactive(os) ? 'SHR' : 'S3';
  if (os === ZeekState.SYN_SENT && rs === ZeekState.INACTIVE) return 'S0';
  if (os === ZeekState.ESTABLISHED && rs === ZeekState.ESTABLISHED) return 'S1';
  return 'OTH';
}

/** Wireshark's tcp.completeness label (packet-tcp.c conversation_completeness_fill). */
export function completenessLabel(value: number): string {
  switch (value) {
    case 1:
      return 'Incomplete, SYN_SENT';
    case 3:
      return 'Incomplete, CLIENT_ESTABLISHED';
    case 7:
      return 'Incomplete, ESTABLISHED';
    case 15:
      return 'Incomplete, DATA';
    case 31:
    case 47:
    case 63:
      return 'Complete, WITH_DATA';
    case 23:
    case 39:
    case 55:
      return 'Complete, NO_DATA';
    default:
      return `Incomplete (${value})`;
  }
}
