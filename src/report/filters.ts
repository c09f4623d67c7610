/**
 * Connection filters shared by every output: --host, --port, --state, --anomaly, --conn, --stream.
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
  /** Wireshark's tcp.stream numbers (0-based): `--stream 4` is `tcp.stream eq 4`. */
  streams?: readonly number[];
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

/** The filters as a user gave them (CLI options or URL query), before they are checked. */
export interface FilterInput {
  host?: readonly string[];
  port?: readonly number[];
  state?: readonly string[];
  anomaly?: readonly string[];
  conn?: readonly number[];
  stream?: readonly number[];
}

/** A filter value that cannot be used; `option` names the filter, the message what it must be. */
export class FilterInputError extends Error {
  constructor(
    readonly option: keyof FilterInput,
    message: string,
  ) {
    super(message);
  }
}

/** Checks every value the user gave and builds the filter; throws FilterInputError on the first bad one. */
export function checkFilter(input: FilterInput, knownAnomalies: readonly string[]): ConnectionFilter {
  const f: ConnectionFilter = {};
  if (input.host?.length) f.hosts = input.host;
  if (input.port?.length) {
    const bad = input.port.filter((p) => !Number.isInteger(p) || p < 0 || p > 65535);
    if (bad.length) throw new FilterInputError('port', `must be a port number from 0 to 65535, not ${bad.join(', ')}`);
    f.ports = input.port;
  }
  if (input.state?.length) {
    const { states, unknown } = parseStates(input.state);
    if (unknown.length) throw new FilterInputError('state', `must be a TCP state (CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT, or netstat's spelling), not ${unknown.join(', ')}`);
    f.states = states;
  }
  if (input.anomaly?.length) {
    const unknown = input.anomaly.filter((a) => !knownAnomalies.includes(a));
    if (unknown.length) throw new FilterInputError('anomaly', `must be one of ${knownAnomalies.join(', ')}; not ${unknown.join(', ')}`);
    f.anomalies = input.anomaly;
  }
  if (input.conn?.length) {
    const bad = input.conn.filter((c) => !Number.isInteger(c) || c < 1);
    if (bad.length) throw new FilterInputError('conn', `must be a connection id (1, 2, …), not ${bad.join(', ')}`);
    f.ids = input.conn;
  }
  if (input.stream?.length) {
    const bad = input.stream.filter((c) => !Number.isInteger(c) || c < 0);
    if (bad.length) throw new FilterInputError('stream', `must be a Wireshark tcp.stream number (0, 1, …), not ${bad.join(', ')}`);
    f.streams = input.stream;
  }
  return f;
}

export function isEmptyFilter(f: ConnectionFilter): boolean {
  return !f.hosts?.length && !f.ports?.length && !f.states?.length && !f.anomalies?.length && !f.ids?.length && !f.streams?.length;
}

export function matches(c: ConnectionRecord, f: ConnectionFilter): boolean {
  if (f.ids?.length && !f.ids.includes(c.id)) return false;
  if (f.streams?.length && !f.streams.includes(c.stream)) return false;
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
