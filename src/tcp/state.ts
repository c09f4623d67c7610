/**
 * Endpoint states. The eleven of RFC 9293 §3.3.2, spelled as the RFC spells them, plus two an
 * observer needs and the RFC does not have (Zeek's INACTIVE and PARTIAL): UNSEEN (nothing seen
 * from or about this endpoint yet) and MIDSTREAM (the capture began inside the connection).
 */
export const TcpState = {
  Closed: 'CLOSED',
  Listen: 'LISTEN',
  SynSent: 'SYN-SENT',
  SynReceived: 'SYN-RECEIVED',
  Established: 'ESTABLISHED',
  FinWait1: 'FIN-WAIT-1',
  FinWait2: 'FIN-WAIT-2',
  CloseWait: 'CLOSE-WAIT',
  Closing: 'CLOSING',
  LastAck: 'LAST-ACK',
  TimeWait: 'TIME-WAIT',
} as const;
export type TcpState = (typeof TcpState)[keyof typeof TcpState];

export const ObserverState = { Unseen: 'UNSEEN', Midstream: 'MIDSTREAM' } as const;
export type ObserverState = (typeof ObserverState)[keyof typeof ObserverState];

export type EndpointState = TcpState | ObserverState;

export const ALL_STATES: readonly EndpointState[] = [...Object.values(ObserverState), ...Object.values(TcpState)];

/** netstat / Linux spellings (ss, /proc/net/tcp) of the RFC states. */
const NETSTAT: Record<string, EndpointState> = {
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECEIVED',
  SYN_RCVD: 'SYN-RECEIVED',
  ESTAB: 'ESTABLISHED',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT_1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  FIN_WAIT_2: 'FIN-WAIT-2',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  TIME_WAIT: 'TIME-WAIT',
  CLOSE: 'CLOSED',
};

/** Accepts RFC spelling in any case, or netstat's (`time_wait`, `syn_rcvd`); null if unknown. */
export function parseState(text: string): EndpointState | null {
  const upper = text.trim().toUpperCase();
  const rfc = ALL_STATES.find((s) => s === upper.replace(/_/g, '-'));
  if (rfc !== undefined) return rfc;
  return NETSTAT[upper] ?? null;
}

/** States in which both sides have exchanged SYNs (RFC 9293 §3.3.2 "synchronized states"). */
export function isSynchronized(s: EndpointState): boolean {
  return s !== 'UNSEEN' && s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN-SENT' && s !== 'SYN-RECEIVED';
}
