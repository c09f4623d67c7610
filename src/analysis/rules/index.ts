/**
 * The rule registries: the connection-scoped rules in the order their detectors run for each
 * segment (after the state machines), and the capture-scoped ones in the order their findings are
 * listed (then sorted by frame). Their ids make AnomalyId (anomaly-ids.ts).
 */
import type { AnomalyRule, AnyCaptureScopedRule } from '../anomaly.js';
import dataAfterFin from './data-after-fin.js';
import dataAfterRst from './data-after-rst.js';
import finRetransmitted from './fin-retransmitted.js';
import halfOpen from './half-open.js';
import highRetransmission from './high-retransmission.js';
import inconsistentRetransmission from './inconsistent-retransmission.js';
import handshakeNotSynchronized from './handshake-not-synchronized.js';
import invalidFlags from './invalid-flags.js';
import longCloseWait from './long-close-wait.js';
import midstream from './midstream.js';
import missingFinalAck from './missing-final-ack.js';
import retransmissionTimeout from './retransmission-timeout.js';
import rstAbort from './rst-abort.js';
import rstAfterFin from './rst-after-fin.js';
import rstOutOfWindow from './rst-out-of-window.js';
import rstRefused from './rst-refused.js';
import listenQueueOverflow from './listen-queue-overflow.js';
import portScan from './port-scan.js';
import synFlood from './syn-flood.js';
import synRetransmitted from './syn-retransmitted.js';
import timeWaitReuse from './time-wait-reuse.js';
import unansweredSyn from './unanswered-syn.js';
import zeroWindowStall from './zero-window-stall.js';

export const RULES = [
  invalidFlags,
  midstream,
  handshakeNotSynchronized,
  synRetransmitted,
  unansweredSyn,
  rstRefused,
  rstAbort,
  rstAfterFin,
  rstOutOfWindow,
  dataAfterFin,
  dataAfterRst,
  halfOpen,
  finRetransmitted,
  inconsistentRetransmission,
  missingFinalAck,
  longCloseWait,
  zeroWindowStall,
  retransmissionTimeout,
  highRetransmission,
] as const satisfies readonly AnomalyRule[];

export const CAPTURE_RULES = [timeWaitReuse, synFlood, portScan, listenQueueOverflow] as const satisfies readonly AnyCaptureScopedRule[];
