import { RULES } from './rules/index.js';
import { LISTEN_QUEUE_OVERFLOW } from './rules/listen-queue-overflow.js';

/** Every anomaly id tcplens reports: the per-connection rules and the capture-wide findings. */
export const ANOMALY_IDS: readonly string[] = [...RULES.map((r) => r.id), 'time-wait-reuse', 'syn-flood', 'port-scan', LISTEN_QUEUE_OVERFLOW.id];

/** What the capture-wide findings mean (their detectors are in capture-analysis.ts and rules/). */
const CAPTURE_WIDE: Record<string, string> = {
  'syn-flood': 'Many never-completed handshakes to one ip:port at once, within the 63 s a SYN-RECEIVED entry lives: a SYN flood.',
  'port-scan': 'One source trying many destination ports, mostly refused or unanswered: a port scan.',
  'time-wait-reuse': 'The four-tuple reused within 2×MSL of TIME-WAIT.',
  [LISTEN_QUEUE_OVERFLOW.id]: 'A listener that serves some connections and drops or refuses others (SYNs dropped, final ACK ignored or answered with RST): its queues are full.',
};

/**
 * An anomaly's explanation in whole sentences, for every report: a rule's "Set when all of the
 * following are true" conditions joined (a condition may run over several lines), then what
 * its doc says after them.
 */
export function explanation(id: string): string {
  const rule = RULES.find((r) => r.id === id);
  if (rule === undefined) return CAPTURE_WIDE[id] ?? '';
  return explainDoc(rule.doc);
}

export function explainDoc(doc: string): string {
  const conditions: string[] = [];
  const after: string[] = [];
  let any = false;
  for (const raw of doc.split('\n')) {
    const line = raw.trim();
    if (/^Set when any of the following is true:?$/.test(line)) any = true;
    if (line === '' || /^Set when (all|any) of the following (are|is) true:?$/.test(line)) continue;
    if (line.startsWith('- ')) conditions.push(line.slice(2));
    else if (conditions.length > 0 && after.length === 0 && !/^[A-Z]/.test(line)) conditions[conditions.length - 1] += ` ${line}`;
    else after.push(line);
  }
  const when = conditions.length === 0 ? '' : any ? `When any of: ${conditions.join('; ')}.` : `When ${conditions.join('; ')}.`;
  return [when, after.join(' ')].filter((x) => x !== '').join(' ');
}
