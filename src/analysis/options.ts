/**
 * The engine's options and their defaults, with no imports: the command line reads them to
 * describe its options without loading the engine (a --help or --version starts in ~0.1 s).
 */

export interface CaptureRuleOptions {
  /** --syn-flood-min: never-completed SYNs alive at once, to one ip:port, that make a flood. */
  synFloodMinHalfOpen: number;
  /** --syn-flood-max-completed: above this share of completed handshakes, it is a busy server, not a flood. */
  synFloodMaxCompletedShare: number;
  /** Seconds a Linux SYN-RECEIVED entry lives (tcp_synack_retries = 5 → 63 s). */
  synRecvLifetime: number;
  /** --port-scan-min-ports: distinct destination ports from one source. */
  portScanMinPorts: number;
  /** --port-scan-min-failed: share of those attempts refused or unanswered. */
  portScanMinFailedShare: number;
  mslSeconds: number;
}

export const DEFAULT_CAPTURE_RULES: CaptureRuleOptions = {
  synFloodMinHalfOpen: 100,
  synFloodMaxCompletedShare: 0.5,
  synRecvLifetime: 63,
  portScanMinPorts: 50,
  portScanMinFailedShare: 0.8,
  mslSeconds: 30,
};

export interface AnalyzeOptions {
  /** Maximum segment lifetime, seconds: TIME-WAIT lasts 2×MSL (default 30: Linux's 60 s TIME-WAIT). */
  msl: number;
  /** Seconds in CLOSE-WAIT before long-close-wait is reported. */
  longCloseWait: number;
  /** Seconds a zero window must last to be a zero-window-stall. */
  zeroWindowStall: number;
  /** Share of a direction's payload bytes resent above which high-retransmission is reported. */
  retransmissionShare: number;
  /** Seconds without packets before a connection is handed on and forgotten. */
  idleTimeout: number;
  /** Connections held at once before finished and never-synchronized ones are handed on early. */
  maxConnections: number;
  captureRules: CaptureRuleOptions;
  /** Model Zeek run bare (`zeek -b`, no protocol scripts) instead of with its default scripts. */
  zeekBare: boolean;
  /** Model Zeek run with -C (ignore_checksums): segments with a bad TCP checksum are processed, not skipped. */
  zeekIgnoreChecksums: boolean;
}

export const DEFAULT_ANALYZE_OPTIONS: AnalyzeOptions = {
  msl: 30,
  longCloseWait: 30,
  zeroWindowStall: 0.5,
  retransmissionShare: 0.05,
  idleTimeout: 3600,
  maxConnections: 20_000,
  captureRules: DEFAULT_CAPTURE_RULES,
  zeekBare: false,
  zeekIgnoreChecksums: false,
};
