/**
 * The constants Zeek's TCP analysis reads, with the defaults of zeek/zeek
 * scripts/base/init-bare.zeek (a default `zeek -r FILE`), and the few switches a different Zeek
 * run changes (`zeek -b`, `zeek -C`, report_gaps_for_partial).
 */
import { isLikelyServerPort } from './likely-server-ports.js';

export interface ZeekConfig {
  /** init-bare.zeek tcp_SYN_timeout = 5 secs: the first ExpireTimer. */
  tcpSynTimeout: number;
  /** tcp_session_timer = 6 secs: ExpireTimer reschedules itself this far ahead. */
  tcpSessionTimer: number;
  /** tcp_connection_linger = 5 secs. */
  tcpConnectionLinger: number;
  /** tcp_attempt_delay = 5 secs: AttemptTimer after an originator's first SYN. */
  tcpAttemptDelay: number;
  /** tcp_close_delay = 5 secs: ConnDeleteTimer after a complete close. */
  tcpCloseDelay: number;
  /** tcp_reset_delay = 5 secs: ResetTimer (only with a connection_reset handler). */
  tcpResetDelay: number;
  /** tcp_partial_close_delay = 3 secs: PartialCloseTimer (only with a connection_partial_close handler). */
  tcpPartialCloseDelay: number;
  /** tcp_inactivity_timeout = 5 min, once the handshake is over. */
  tcpInactivityTimeout: number;
  /** udp_inactivity_timeout = 1 min: TCPAnalyzer::MakeSessionAdapter sets it first (sic). */
  udpInactivityTimeout: number;
  /** tcp_storm_thresh = 1000 and tcp_storm_interarrival_thresh = 1 sec. */
  tcpStormThresh: number;
  tcpStormInterarrivalThresh: number;
  /** tcp_max_initial_window = 16384. */
  tcpMaxInitialWindow: number;
  /** tcp_max_above_hole_without_any_acks = 16384. */
  tcpMaxAboveHoleWithoutAnyAcks: number;
  /** tcp_excessive_data_without_further_acks = 10 MiB. */
  tcpExcessiveDataWithoutFurtherAcks: number;
  /** report_gaps_for_partial = F. */
  reportGapsForPartial: boolean;
  /** ignore_checksums = F (`zeek -C` sets it). */
  ignoreChecksums: boolean;
  /**
   * Whether a script handles connection_reset / connection_partial_close: the ResetTimer and
   * PartialCloseTimer exist only then ("if ( connection_reset )"). No base script does.
   */
  connectionResetHandled: boolean;
  connectionPartialCloseHandled: boolean;
  /** likely_server_ports (empty when Zeek runs bare, `zeek -b`). */
  likelyServerPort(port: number): boolean;
}

export const ZEEK_DEFAULTS: ZeekConfig = {
  tcpSynTimeout: 5,
  tcpSessionTimer: 6,
  tcpConnectionLinger: 5,
  tcpAttemptDelay: 5,
  tcpCloseDelay: 5,
  tcpResetDelay: 5,
  tcpPartialCloseDelay: 3,
  tcpInactivityTimeout: 300,
  udpInactivityTimeout: 60,
  tcpStormThresh: 1000,
  tcpStormInterarrivalThresh: 1,
  tcpMaxInitialWindow: 16384,
  tcpMaxAboveHoleWithoutAnyAcks: 16384,
  tcpExcessiveDataWithoutFurtherAcks: 10 * 1024 * 1024,
  reportGapsForPartial: false,
  ignoreChecksums: false,
  connectionResetHandled: false,
  connectionPartialCloseHandled: false,
  likelyServerPort: isLikelyServerPort,
};

export const ZEEK_BARE: ZeekConfig = { ...ZEEK_DEFAULTS, likelyServerPort: () => false };
