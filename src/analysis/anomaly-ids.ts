import { RULES } from './rules/index.js';
import { LISTEN_QUEUE_OVERFLOW } from './rules/listen-queue-overflow.js';

/** Every anomaly id tcplens reports: the per-connection rules and the capture-wide findings. */
export const ANOMALY_IDS: readonly string[] = [...RULES.map((r) => r.id), 'time-wait-reuse', 'syn-flood', 'port-scan', LISTEN_QUEUE_OVERFLOW.id];
