/**
 * Connection filters shared by every output: --host, --port, --state, --anomaly, --conn.
 * All given filters must hold (AND); within one, any value may match (OR).
 */
import { parseState, type EndpointState } from '../tcp/state.js';
import type { ConnectionRecord } from './model.js';

export interface ConnectionFilter {
  hosts?: readonly string[];
  ports?: readonly number[];
  states?: readonly EndpointState[];
  anomalies?: readonly string[];
  ids?: readonly number[];
}

/** Reads the states as given by a user (RFC or netstat spelling); returns the bad ones too. */
export function parseStates(texts: readonly string[]): { states: EndpointState[]; unknown: string[] } {
  const states: EndpointState[] = [];
  const unknown: string[] = [];
  for (const t of texts) {
    const s = parseState(t);
    if (s === null) unknown.push(t);
    else states.push(s);
  }
  return { states, unknown };
}

export function isEmptyFilter(f: ConnectionFilter): boolean {
  return !f.hosts?.length && !f.ports?.length && !f.states?.length && !f.anomalies?.length && !f.ids?.length;
}

export function matches(c: ConnectionRecord, f: ConnectionFilter): boolean {
  if (f.ids?.length && !f.ids.includes(c.id)) return false;
  if (f.hosts?.length && !f.hosts.some((h) => sameHost(h, c.client.ip) || sameHost(h, c.server.ip))) return false;
  if (f.ports?.length && !f.ports.some((p) => p === c.client.port || p === c.server.port)) return false;
  // Like netstat, a state names where an endpoint is (here: where it was when the connection ended).
  if (f.states?.length && !f.states.some((s) => c.states.client === s || c.states.server === s)) return false;
  if (f.anomalies?.length && !f.anomalies.some((id) => c.anomalies.some((a) => a.id === id))) return false;
  return true;
}

function sameHost(wanted: string, ip: string): boolean {
  return wanted.toLowerCase() === ip.toLowerCase();
}
