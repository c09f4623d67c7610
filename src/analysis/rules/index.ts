/**
 * The rule registry, in the order detectors run for each segment (after the state machines).
 */
import type { AnomalyRule } from '../anomaly.js';
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
import synRetransmitted from './syn-retransmitted.js';
import unansweredSyn from './unanswered-syn.js';
import zeroWindowStall from './zero-window-stall.js';

export const RULES: readonly AnomalyRule[] = [
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
];
