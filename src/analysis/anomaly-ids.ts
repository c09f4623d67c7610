/**
 * Every anomaly id tcplens reports, from the two rule registries (rules/index.ts): the
 * per-connection rules, then the capture-scoped ones. AnomalyId is their union, so a misspelt id
 * in the code does not compile; user input is checked against ANOMALY_IDS.
 */
import { CAPTURE_RULES, RULES } from './rules/index.js';

export type AnomalyId = (typeof RULES)[number]['id'] | (typeof CAPTURE_RULES)[number]['id'];

const ALL_RULES = [...RULES, ...CAPTURE_RULES];

export const ANOMALY_IDS: readonly AnomalyId[] = ALL_RULES.map((r) => r.id);

export function isAnomalyId(id: string): id is AnomalyId {
  return (ANOMALY_IDS as readonly string[]).includes(id);
}

/**
 * An anomaly's explanation in whole sentences, for every report: the rule's "Set when all of the
 * following are true" conditions joined (a condition may run over several lines), then what
 * its doc says after them.
 */
export function explanation(id: AnomalyId): string {
  const rule = ALL_RULES.find((r) => r.id === id);
  return rule === undefined ? '' : explainDoc(rule.doc);
}

export function explainDoc(doc: string): string {
  const conditions: string[] = [];
  const after: string[] = [];
  let any = false;
  /** "per destination ip:port" / "on a connection": whom a capture-scoped rule counts. */
  let scope = '';
  for (const raw of doc.split('\n')) {
    const line = raw.trim();
    const head = /^Set (?:((?:per|on) .*?) )?when (all|any) of the following (?:are|is) true:?$/.exec(line);
    if (head !== null) {
      scope = head[1] ?? '';
      any = head[2] === 'any';
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('- ')) conditions.push(line.slice(2));
    else if (conditions.length > 0 && after.length === 0 && !/^[A-Z]/.test(line)) conditions[conditions.length - 1] += ` ${line}`;
    else after.push(line);
  }
  const lead = scope === '' ? 'When' : `${scope[0]?.toUpperCase()}${scope.slice(1)}, when`;
  const when = conditions.length === 0 ? '' : any ? `${lead} any of: ${conditions.join('; ')}.` : `${lead} ${conditions.join('; ')}.`;
  return [when, after.join(' ')].filter((x) => x !== '').join(' ');
}
