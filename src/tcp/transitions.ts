/**
 * Heads up! Before changing this file read RFC 9293 §3.3.2 (Figure 5, the state diagram),
 * §3.5 (establishing a connection), §3.6 (closing), §3.10.4-5 (CLOSE, ABORT) and §3.10.7
 * (SEGMENT ARRIVES).
 *
 * Each captured segment is two events (Snort 3's sent/received model): a *send* at its sender
 * and an *arrive* at its receiver, as if delivered when captured. The transitions are data:
 * state → event → next state, each row with the RFC section it comes from. A (state, event)
 * pair with no row changes nothing; when the event is one that matters (a SYN, FIN or RST, or
 * data where none may flow) the caller records it as an unexpected segment.
 */
import type { EndpointState } from './state.js';

/** What a segment means to its sender (guards computed by classifySend). */
export type SendEvent = 'syn' | 'syn-ack' | 'fin' | 'rst' | 'data' | 'ack';
/** What a segment means to its receiver (guards computed by classifyArrive). */
export type ArriveEvent =
  | 'syn'
  | 'syn-ack'
  | 'syn-ack-unacceptable'
  | 'ack-of-syn'
  | 'fin'
  | 'ack-of-fin'
  | 'fin-ack-of-fin'
  | 'rst'
  | 'rst-unacceptable'
  | 'data'
  | 'ack';

export interface Transition {
  to: EndpointState;
  /** Why, as a person would say it: "sent FIN", "received ACK of its FIN". */
  cause: string;
  rfc: string;
}

type Table<E extends string> = Partial<Record<EndpointState, Partial<Record<E, Transition>>>>;

const t = (to: EndpointState, cause: string, rfc: string): Transition => ({ to, cause, rfc });

/** Sender side: the user call or send that the segment shows (RFC 9293 §3.10). */
export const ON_SEND: Table<SendEvent> = {
  UNSEEN: {
    syn: t('SYN-SENT', 'sent SYN (active OPEN)', 'RFC 9293 §3.10.1'),
    // Its SYN was not captured: it must have been listening and received one.
    'syn-ack': t('SYN-RECEIVED', 'sent SYN,ACK (the SYN it answers was not captured)', 'RFC 9293 §3.10.7.2'),
    data: t('MIDSTREAM', 'sent data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    ack: t('MIDSTREAM', 'sent data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    fin: t('MIDSTREAM', 'sent FIN before any SYN was seen (capture began mid-stream)', 'observer'),
  },
  CLOSED: {
    syn: t('SYN-SENT', 'sent SYN (active OPEN)', 'RFC 9293 §3.10.1'),
  },
  LISTEN: {
    // §3.10.7.2 moves to SYN-RECEIVED on the SYN; reaching here means that SYN was not seen.
    'syn-ack': t('SYN-RECEIVED', 'sent SYN,ACK', 'RFC 9293 §3.10.7.2'),
    syn: t('SYN-SENT', 'sent SYN (OPEN on a listening socket)', 'RFC 9293 §3.10.1'),
  },
  'SYN-SENT': {
    fin: t('CLOSED', 'sent FIN before the handshake completed (CLOSE in SYN-SENT)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (ABORT in SYN-SENT)', 'RFC 9293 §3.10.5'),
  },
  'SYN-RECEIVED': {
    fin: t('FIN-WAIT-1', 'sent FIN (CLOSE in SYN-RECEIVED)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (ABORT in SYN-RECEIVED)', 'RFC 9293 §3.10.5'),
  },
  ESTABLISHED: {
    fin: t('FIN-WAIT-1', 'sent FIN (active close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort)', 'RFC 9293 §3.10.5'),
  },
  MIDSTREAM: {
    fin: t('FIN-WAIT-1', 'sent FIN (active close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort)', 'RFC 9293 §3.10.5'),
  },
  'CLOSE-WAIT': {
    fin: t('LAST-ACK', 'sent FIN after the peer closed (passive close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort in CLOSE-WAIT)', 'RFC 9293 §3.10.5'),
  },
  'FIN-WAIT-1': { rst: t('CLOSED', 'sent RST (abort after its FIN)', 'RFC 9293 §3.10.5') },
  'FIN-WAIT-2': { rst: t('CLOSED', 'sent RST (abort after its FIN)', 'RFC 9293 §3.10.5') },
  CLOSING: { rst: t('CLOSED', 'sent RST (abort in CLOSING)', 'RFC 9293 §3.10.5') },
  'LAST-ACK': { rst: t('CLOSED', 'sent RST (abort in LAST-ACK)', 'RFC 9293 §3.10.5') },
  'TIME-WAIT': { rst: t('CLOSED', 'sent RST in TIME-WAIT', 'RFC 9293 §3.10.5') },
};

/** Receiver side: SEGMENT ARRIVES (RFC 9293 §3.10.7), delivery assumed when captured. */
export const ON_ARRIVE: Table<ArriveEvent> = {
  UNSEEN: {
    // The observer enters LISTEN implicitly: a SYN reached it (see arriveAtUnseen).
    syn: t('LISTEN', 'a SYN arrived, so it was listening (inferred)', 'RFC 9293 §3.10.7.2'),
    data: t('MIDSTREAM', 'received data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    ack: t('MIDSTREAM', 'received data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    fin: t('MIDSTREAM', 'received FIN before any SYN was seen (capture began mid-stream)', 'observer'),
  },
  LISTEN: {
    syn: t('SYN-RECEIVED', 'received SYN (passive OPEN)', 'RFC 9293 §3.10.7.2'),
  },
  'SYN-SENT': {
    'syn-ack': t('ESTABLISHED', 'received SYN,ACK acknowledging its SYN', 'RFC 9293 §3.10.7.3'),
    syn: t('SYN-RECEIVED', 'received SYN while in SYN-SENT (simultaneous open)', 'RFC 9293 §3.10.7.3'),
    rst: t('CLOSED', 'received RST acknowledging its SYN (connection refused)', 'RFC 9293 §3.10.7.3'),
  },
  'SYN-RECEIVED': {
    'ack-of-syn': t('ESTABLISHED', 'received ACK of its SYN', 'RFC 9293 §3.10.7.4'),
    'syn-ack': t('ESTABLISHED', 'received SYN,ACK acknowledging its SYN (simultaneous open)', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in SYN-RECEIVED', 'RFC 9293 §3.10.7.4'),
  },
  ESTABLISHED: {
    fin: t('CLOSE-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST (connection reset)', 'RFC 9293 §3.10.7.4'),
  },
  MIDSTREAM: {
    fin: t('CLOSE-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST (connection reset)', 'RFC 9293 §3.10.7.4'),
  },
  'FIN-WAIT-1': {
    'fin-ack-of-fin': t('TIME-WAIT', 'received FIN acknowledging its FIN', 'RFC 9293 §3.10.7.4'),
    'ack-of-fin': t('FIN-WAIT-2', 'received ACK of its FIN', 'RFC 9293 §3.10.7.4'),
    fin: t('CLOSING', 'received FIN that does not acknowledge its own (simultaneous close)', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in FIN-WAIT-1', 'RFC 9293 §3.10.7.4'),
  },
  'FIN-WAIT-2': {
    fin: t('TIME-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    'fin-ack-of-fin': t('TIME-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in FIN-WAIT-2', 'RFC 9293 §3.10.7.4'),
  },
  'CLOSE-WAIT': {
    rst: t('CLOSED', 'received RST in CLOSE-WAIT', 'RFC 9293 §3.10.7.4'),
  },
  CLOSING: {
    'ack-of-fin': t('TIME-WAIT', 'received ACK of its FIN', 'RFC 9293 §3.10.7.4'),
    'fin-ack-of-fin': t('TIME-WAIT', 'received ACK of its FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in CLOSING', 'RFC 9293 §3.10.7.4'),
  },
  'LAST-ACK': {
    'ack-of-fin': t('CLOSED', 'received ACK of its FIN (final ACK)', 'RFC 9293 §3.10.7.4'),
    'fin-ack-of-fin': t('CLOSED', 'received ACK of its FIN (final ACK)', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in LAST-ACK', 'RFC 9293 §3.10.7.4'),
  },
  'TIME-WAIT': {
    // RFC 9293 §3.10.7.4 first check: a valid RST in TIME-WAIT closes it (RFC 1337 discusses the hazard).
    rst: t('CLOSED', 'received RST in TIME-WAIT', 'RFC 9293 §3.10.7.4'),
  },
};
