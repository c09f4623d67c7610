/**
 * Heads up! Before changing this file read RFC 9293 §3.3.2 (Figure 5, the state diagram),
 * §3.5 (establishing a connection), §3.6 (closing), §3.10.4-5 (CLOSE, ABORT) and §3.10.7
 * (SEGMENT ARRIVES); RFC 7413 §3 for data on a SYN (TCP Fast Open).
 *
 * Each captured segment is two events (Snort 3's sent/received model): a *send* at its sender
 * and an *arrive* at its receiver, as if delivered when captured. The transitions are data:
 * state → event → next state, each row with the RFC section it comes from.
 *
 * - A send row is **witnessed**: the endpoint's own captured segment shows it.
 * - An arrive row is **inferred**: it rests on the assumption that the peer's segment arrived.
 *   Later evidence confirms it (the endpoint acknowledges that segment) or contradicts it
 *   (see Connection: "Later evidence" — one mechanism, append-only).
 * - A row whose `to` is the state it is in is *expected and changes nothing* (a resent SYN, a
 *   SYN,ACK sent again in SYN-RECEIVED, a SYN reaching an endpoint nothing was heard from).
 * - A row with `then` took only the segment's ACK field (or showed the capture began
 *   mid-stream): RFC 9293 §3.10.7.4 processes a segment's fields in order (ACK before FIN), so
 *   the rest of the segment is classified again in the new state. No other row continues.
 *
 * A (state, event) pair with no row changes nothing; when the event is one that matters (a SYN,
 * FIN or RST, or data where none may flow) the caller records it as an unexpected segment.
 */
import type { EndpointState } from './state.js';

/** What a segment means to its sender (guards computed by classifySend). */
export type SendEvent =
  | 'syn'
  | 'syn-ack'
  | 'fin'
  | 'rst'
  /** A RST from an endpoint nothing was heard from, acknowledging the peer's SYN (§3.10.7.1). */
  | 'rst-to-syn'
  /** A RST from an endpoint nothing was heard from, answering the peer's SYN,ACK (SEG.SEQ = its SEG.ACK). */
  | 'rst-to-syn-ack'
  | 'data'
  | 'ack'
  /** From SYN-SENT: a segment acknowledging the peer's SYN (its SYN,ACK arrived, captured or not). */
  | 'ack-of-syn'
  /** A segment acknowledging the peer's FIN, from a state in which that FIN had not been delivered. */
  | 'ack-of-fin';
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
  /** An acceptable RST reaching a SYN-RECEIVED that came from a passive OPEN. */
  | 'rst-passive-open'
  | 'rst-unacceptable'
  | 'data'
  | 'ack';

export interface Transition {
  to: EndpointState;
  /** Why, as a person would say it: "sent FIN", "received ACK of its FIN". */
  cause: string;
  rfc: string;
  /** The segment's remaining fields are processed in the new state (ACK before FIN). */
  then?: true;
}

type Table<E extends string> = Partial<Record<EndpointState, Partial<Record<E, Transition>>>>;

const t = (to: EndpointState, cause: string, rfc: string): Transition => ({ to, cause, rfc });
const then = (to: EndpointState, cause: string, rfc: string): Transition => ({ to, cause, rfc, then: true });

/** Sender side: the user call or send that the segment shows (RFC 9293 §3.10). Witnessed. */
export const ON_SEND: Table<SendEvent> = {
  UNSEEN: {
    syn: t('SYN-SENT', 'sent SYN (active OPEN)', 'RFC 9293 §3.10.1'),
    // Its SYN,ACK shows it was listening and took the SYN (captured or not): passive OPEN.
    'syn-ack': t('SYN-RECEIVED', 'sent SYN,ACK answering a SYN: it was listening (passive OPEN)', 'RFC 9293 §3.10.7.2'),
    // Nothing listened: "If the state is CLOSED … an incoming segment not containing a RST causes a RST to be sent".
    'rst-to-syn': t('CLOSED', 'received SYN in CLOSED and answered RST: no listener on the port (connection refused)', 'RFC 9293 §3.10.7.1'),
    // A SYN,ACK it never asked for (backscatter of a spoofed SYN, or a scan): CLOSED answers RST.
    'rst-to-syn-ack': t('CLOSED', 'received a SYN,ACK in CLOSED (it had sent no SYN) and answered RST', 'RFC 9293 §3.10.7.1'),
    // Its SYN was not captured; its ACK of the peer's SYN,ACK shows it was SYN-SENT and got it.
    'ack-of-syn': then('ESTABLISHED', "acknowledged the peer's SYN,ACK (its own SYN was not captured)", 'RFC 9293 §3.10.7.3'),
    data: then('MIDSTREAM', 'sent data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    ack: then('MIDSTREAM', 'sent data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    fin: then('MIDSTREAM', 'sent FIN before any SYN was seen (capture began mid-stream)', 'observer'),
  },
  CLOSED: {
    syn: t('SYN-SENT', 'sent SYN (active OPEN)', 'RFC 9293 §3.10.1'),
  },
  LISTEN: {
    'syn-ack': t('SYN-RECEIVED', 'sent SYN,ACK answering a SYN (passive OPEN)', 'RFC 9293 §3.10.7.2'),
    syn: t('SYN-SENT', 'sent SYN (OPEN on a listening socket)', 'RFC 9293 §3.10.1'),
  },
  'SYN-SENT': {
    syn: t('SYN-SENT', 'sent its SYN again (retransmission)', 'RFC 9293 §3.8.1'),
    'ack-of-syn': then('ESTABLISHED', "acknowledged the peer's SYN: its SYN,ACK arrived (uncaptured, or its arrival was in doubt)", 'RFC 9293 §3.10.7.3'),
    fin: t('CLOSED', 'sent FIN before the handshake completed (CLOSE in SYN-SENT)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (ABORT in SYN-SENT)', 'RFC 9293 §3.10.5'),
  },
  'SYN-RECEIVED': {
    'syn-ack': t('SYN-RECEIVED', 'sent SYN,ACK in SYN-RECEIVED (a retransmission, or the answer of a simultaneous open)', 'RFC 9293 §3.8.1; §3.10.7.3'),
    fin: t('FIN-WAIT-1', 'sent FIN (CLOSE in SYN-RECEIVED)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (ABORT in SYN-RECEIVED)', 'RFC 9293 §3.10.5'),
  },
  ESTABLISHED: {
    fin: t('FIN-WAIT-1', 'sent FIN (active close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort)', 'RFC 9293 §3.10.5'),
    'ack-of-fin': then('CLOSE-WAIT', "acknowledged the peer's FIN: it arrived", 'RFC 9293 §3.10.7.4'),
    // Simultaneous open: its SYN,ACK answers the peer's SYN after the peer's SYN,ACK arrived.
    'syn-ack': t('ESTABLISHED', 'sent SYN,ACK in ESTABLISHED (its answer in a simultaneous open, or a retransmission)', 'RFC 9293 §3.10.7.3'),
  },
  MIDSTREAM: {
    fin: t('FIN-WAIT-1', 'sent FIN (active close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort)', 'RFC 9293 §3.10.5'),
  },
  'CLOSE-WAIT': {
    fin: t('LAST-ACK', 'sent FIN after the peer closed (passive close)', 'RFC 9293 §3.10.4'),
    rst: t('CLOSED', 'sent RST (abort in CLOSE-WAIT)', 'RFC 9293 §3.10.5'),
  },
  'FIN-WAIT-1': {
    fin: t('FIN-WAIT-1', 'sent its FIN again (retransmission)', 'RFC 9293 §3.8.1'),
    'ack-of-fin': then('CLOSING', "acknowledged the peer's FIN before its own was acknowledged (simultaneous close)", 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'sent RST (abort after its FIN)', 'RFC 9293 §3.10.5'),
  },
  'FIN-WAIT-2': {
    'ack-of-fin': then('TIME-WAIT', "acknowledged the peer's FIN: it arrived", 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'sent RST (abort after its FIN)', 'RFC 9293 §3.10.5'),
  },
  CLOSING: {
    fin: t('CLOSING', 'sent its FIN again (retransmission)', 'RFC 9293 §3.8.1'),
    rst: t('CLOSED', 'sent RST (abort in CLOSING)', 'RFC 9293 §3.10.5'),
  },
  'LAST-ACK': {
    fin: t('LAST-ACK', 'sent its FIN again (retransmission)', 'RFC 9293 §3.8.1'),
    rst: t('CLOSED', 'sent RST (abort in LAST-ACK)', 'RFC 9293 §3.10.5'),
  },
  'TIME-WAIT': { rst: t('CLOSED', 'sent RST in TIME-WAIT', 'RFC 9293 §3.10.5') },
};

/** Receiver side: SEGMENT ARRIVES (RFC 9293 §3.10.7), delivery assumed when captured. Inferred. */
export const ON_ARRIVE: Table<ArriveEvent> = {
  UNSEEN: {
    // Nothing heard from it: listening, closed, down or filtered. Its answer decides (ON_SEND UNSEEN).
    syn: t('UNSEEN', 'a SYN was sent to it; nothing heard from it yet (listening, closed, down or filtered)', 'RFC 9293 §3.10.7.1-2'),
    // SYN-SENT with its SYN uncaptured, or CLOSED (backscatter, a scan): its answer decides.
    'syn-ack': t('UNSEEN', 'a SYN,ACK was sent to it; its SYN was not captured (SYN-SENT, or CLOSED if it never sent one)', 'RFC 9293 §3.10.7.1; §3.10.7.3'),
    data: then('MIDSTREAM', 'received data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    ack: then('MIDSTREAM', 'received data or ACK before any SYN was seen (capture began mid-stream)', 'observer'),
    fin: then('MIDSTREAM', 'received FIN before any SYN was seen (capture began mid-stream)', 'observer'),
  },
  LISTEN: {
    syn: t('SYN-RECEIVED', 'received SYN (passive OPEN)', 'RFC 9293 §3.10.7.2'),
  },
  'SYN-SENT': {
    // RFC 7413: the SYN,ACK may acknowledge data carried on the SYN (TCP Fast Open).
    'syn-ack': t('ESTABLISHED', 'received SYN,ACK acknowledging its SYN', 'RFC 9293 §3.10.7.3; RFC 7413 §3'),
    syn: t('SYN-RECEIVED', 'received SYN while in SYN-SENT (simultaneous open)', 'RFC 9293 §3.10.7.3'),
    rst: t('CLOSED', 'received RST acknowledging its SYN (connection refused)', 'RFC 9293 §3.10.7.3'),
  },
  'SYN-RECEIVED': {
    'ack-of-syn': then('ESTABLISHED', 'received ACK of its SYN', 'RFC 9293 §3.10.7.4'),
    'syn-ack': t('ESTABLISHED', 'received SYN,ACK acknowledging its SYN (simultaneous open)', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST in SYN-RECEIVED (active open: connection refused)', 'RFC 9293 §3.10.7.4'),
    'rst-passive-open': t('LISTEN', 'received RST in SYN-RECEIVED: a passively opened connection returns to LISTEN', 'RFC 9293 §3.10.7.4'),
    // Its SYN again: left of the window, so not acceptable; answered (Linux resends its SYN,ACK), not taken.
    syn: t('SYN-RECEIVED', 'received the SYN again (a retransmission, left of the window: answered, not taken)', 'RFC 9293 §3.10.7.4 first'),
  },
  ESTABLISHED: {
    // Copies of the handshake after it completed: not acceptable, answered with an ACK.
    syn: t('ESTABLISHED', 'received the SYN again (an old copy, left of the window: answered with an ACK)', 'RFC 9293 §3.10.7.4 first'),
    'syn-ack': t('ESTABLISHED', 'received the SYN,ACK again (its ACK was lost or ignored: answered with an ACK)', 'RFC 9293 §3.10.7.4 first'),
    fin: t('CLOSE-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST (connection reset)', 'RFC 9293 §3.10.7.4'),
  },
  MIDSTREAM: {
    fin: t('CLOSE-WAIT', 'received FIN', 'RFC 9293 §3.10.7.4'),
    rst: t('CLOSED', 'received RST (connection reset)', 'RFC 9293 §3.10.7.4'),
  },
  'FIN-WAIT-1': {
    // §3.10.7.4 fifth (ACK) before eighth (FIN): the ACK of its FIN first, then the FIN in FIN-WAIT-2.
    'fin-ack-of-fin': then('FIN-WAIT-2', 'received FIN,ACK: its ACK field acknowledges its FIN (processed before the FIN bit)', 'RFC 9293 §3.10.7.4'),
    'ack-of-fin': t('FIN-WAIT-2', 'received ACK of its FIN', 'RFC 9293 §3.10.7.4'),
    fin: t('CLOSING', 'received FIN that does not acknowledge its own (simultaneous close)', 'RFC 9293 §3.10.7.4; §3.6 Figure 13'),
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
