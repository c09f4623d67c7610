/**
 * Connection filters shared by every output and the viewer's query string: --host, --port,
 * --state, --anomaly, --conn, --stream, --conn-state, --history-has, --flag.
 * All given filters must hold (AND); within one, any value may match (OR).
 */
import { isIP } from 'node:net';
import type { ConnState } from '../analysis/conn-summary.js';
import { WIRESHARK_FLAGS, type WiresharkFlag } from '../analysis/flags/flag-bits.js';
import type { Connection } from '../tcp/connection.js';
import { ALL_STATES, parseState, type EndpointState } from '../tcp/state.js';
import type { ConnectionRecord } from './model.js';

export interface ConnectionFilter {
  hosts?: readonly string[];
  ports?: readonly number[];
  states?: readonly EndpointState[];
  anomalies?: readonly string[];
  ids?: readonly number[];
  /** Wireshark's tcp.stream numbers (0-based): `--stream 4` is `tcp.stream eq 4`. */
  streams?: readonly number[];
  /** Zeek conn_state values: any of the connection's conn.log rows. */
  connStates?: readonly ConnState[];
  /** Zeek history letters: a value matches when every one of its letters is in the connection's history (any of its conn.log rows; case counts: upper case is the originator). */
  historyHas?: readonly string[];
  /** Wireshark tcp.analysis flags: at least one frame of the connection carries the field. */
  flags?: readonly WiresharkFlag[];
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
  /** Numbers or service names (`http`, `https`, …: SERVICE_PORTS). */
  port?: readonly (number | string)[];
  state?: readonly string[];
  anomaly?: readonly string[];
  /** Numbers, or text of comma-separated numbers (`--conn 3,7`). */
  conn?: readonly (number | string)[];
  stream?: readonly (number | string)[];
  'conn-state'?: readonly string[];
  'history-has'?: readonly string[];
  flag?: readonly string[];
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

/**
 * Service names `--port` takes, with their IANA port numbers (TCP; the IANA Service Name and
 * Transport Protocol Port Number Registry's names, and the spellings /etc/services uses).
 */
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  dns: 53,
  http: 80,
  pop3: 110,
  imap: 143,
  bgp: 179,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  smb: 445,
  submissions: 465,
  smtps: 465,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  'ms-wbt-server': 3389,
  rdp: 3389,
  postgresql: 5432,
  sip: 5060,
  redis: 6379,
  'http-alt': 8080,
};

/** Zeek's conn_state values (scripts/base/protocols/conn/main.zeek, conn_state()). */
export const CONN_STATES: readonly ConnState[] = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'];

/** Zeek's history letters (main.zeek Conn::Info$history; ^ marks a flipped connection). */
export const HISTORY_LETTER_SET = 'SsHhAaDdFfRrCcGgTtWwIiQq^';
const HISTORY_LETTERS = /^[SsHhAaDdFfRrCcGgTtWwIiQq^]+$/;

/** A port from its number or service name, or null. */
export function parsePort(p: number | string): number | null {
  if (typeof p === 'number') return Number.isInteger(p) && p >= 0 && p <= 65535 ? p : null;
  const t = p.trim().toLowerCase();
  if (/^\d+$/.test(t)) return parsePort(Number(t));
  return SERVICE_PORTS[t] ?? null;
}

/** An anomaly id as typed: `missing_final_ack`, `Missing-Final-Ack` → `missing-final-ack`. */
export function normaliseAnomaly(a: string): string {
  return a.trim().toLowerCase().replace(/_/g, '-');
}

/** A Wireshark flag as typed: `fast-retransmission`, `tcp.analysis.fast_retransmission` → `fast_retransmission`; null when unknown. */
export function parseFlag(f: string): WiresharkFlag | null {
  const t = f.trim().toLowerCase().replace(/^tcp\.analysis\./, '').replace(/-/g, '_');
  return (WIRESHARK_FLAGS as readonly string[]).includes(t) ? (t as WiresharkFlag) : null;
}

/** Checks every value the user gave and builds the filter; throws FilterInputError on the first bad one. */
export function checkFilter(input: FilterInput, knownAnomalies: readonly string[]): ConnectionFilter {
  const f: ConnectionFilter = {};
  if (input.host?.length) {
    const bad = input.host.filter((h) => isIP(h) === 0);
    if (bad.length) throw new FilterInputError('host', `must be an IPv4 address (192.0.2.1) or an IPv6 address (2001:db8::1), not ${bad.join(', ')}`);
    f.hosts = input.host;
  }
  if (input.port?.length) {
    const ports = input.port.map(parsePort);
    const bad = input.port.filter((_, i) => ports[i] === null);
    if (bad.length) {
      throw new FilterInputError('port', `must be a port number from 0 to 65535 or a service name (${Object.keys(SERVICE_PORTS).join(', ')}), not ${bad.join(', ')}`);
    }
    f.ports = ports as number[];
  }
  if (input.state?.length) {
    const { states, unknown } = parseStates(input.state);
    if (unknown.length) throw new FilterInputError('state', `must be a TCP state (${ALL_STATES.join(', ')}, or netstat's spelling), not ${unknown.join(', ')}`);
    f.states = states;
  }
  if (input.anomaly?.length) {
    const ids = input.anomaly.map(normaliseAnomaly);
    const unknown = input.anomaly.filter((_, i) => !knownAnomalies.includes(ids[i] as string));
    if (unknown.length) throw new FilterInputError('anomaly', `must be one of ${knownAnomalies.join(', ')} (or with _ for -); not ${unknown.join(', ')}`);
    f.anomalies = ids;
  }
  const ids = wholeNumbers(input.conn, 1);
  if (ids.bad.length) throw new FilterInputError('conn', `must be a connection id (1, 2, …), not ${ids.bad.join(', ')}`);
  if (ids.numbers.length) f.ids = ids.numbers;
  const streams = wholeNumbers(input.stream, 0);
  if (streams.bad.length) throw new FilterInputError('stream', `must be a Wireshark tcp.stream number (0, 1, …), not ${streams.bad.join(', ')}`);
  if (streams.numbers.length) f.streams = streams.numbers;
  const connStates = split(input['conn-state']);
  if (connStates.length) {
    const upper = connStates.map((s) => s.toUpperCase());
    const unknown = connStates.filter((_, i) => !(CONN_STATES as readonly string[]).includes(upper[i] as string));
    if (unknown.length) throw new FilterInputError('conn-state', `must be a Zeek conn_state (${CONN_STATES.join(', ')}), not ${unknown.join(', ')}`);
    f.connStates = upper as ConnState[];
  }
  const history = split(input['history-has']);
  if (history.length) {
    const bad = history.filter((h) => !HISTORY_LETTERS.test(h));
    if (bad.length) throw new FilterInputError('history-has', `must be Zeek history letters (S s H h A a D d F f R r C c G g T t W w I i Q q ^; upper case is the originator), not ${bad.join(', ')}`);
    f.historyHas = history;
  }
  const flagsGiven = split(input.flag);
  if (flagsGiven.length) {
    const flags = flagsGiven.map(parseFlag);
    const unknown = flagsGiven.filter((_, i) => flags[i] === null);
    if (unknown.length) throw new FilterInputError('flag', `must be a Wireshark tcp.analysis flag (${WIRESHARK_FLAGS.join(', ')}; - for _ and the tcp.analysis. prefix are fine), not ${unknown.join(', ')}`);
    f.flags = flags as WiresharkFlag[];
  }
  return f;
}

/** Whole numbers from `min` on, repeated or comma-separated (`--conn 3,7`); `bad` as the user wrote them. */
function wholeNumbers(values: readonly (number | string)[] | undefined, min: number): { numbers: number[]; bad: string[] } {
  const numbers: number[] = [];
  const bad: string[] = [];
  for (const text of split(values?.map(String))) {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isSafeInteger(n) && n >= min) numbers.push(n);
    else bad.push(text);
  }
  return { numbers, bad };
}

/** Comma-separated lists (`--conn-state S0,REJ`) and repeated options alike. */
function split(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function isEmptyFilter(f: ConnectionFilter): boolean {
  return !f.hosts?.length && !f.ports?.length && !f.states?.length && !f.anomalies?.length && !f.ids?.length && !f.streams?.length && !needsEnd(f);
}

/** Whether the filter asks about what is known only when a connection ends (states, anomalies, Zeek's verdicts, flags). */
export function needsEnd(f: ConnectionFilter): boolean {
  return !!(f.states?.length || f.anomalies?.length || f.connStates?.length || f.historyHas?.length || f.flags?.length);
}

/** The part of the filter known at a connection's first packet: id, stream, addresses and ports. */
export function matchesStart(c: Pick<ConnectionRecord, 'id' | 'stream' | 'client' | 'server'>, f: ConnectionFilter): boolean {
  if (f.ids?.length && !f.ids.includes(c.id)) return false;
  if (f.streams?.length && !f.streams.includes(c.stream)) return false;
  if (f.hosts?.length && !f.hosts.some((h) => sameHost(h, c.client.ip) || sameHost(h, c.server.ip))) return false;
  if (f.ports?.length && !f.ports.some((p) => p === c.client.port || p === c.server.port)) return false;
  return true;
}

/** matchesStart for a live connection, as its first packet shows it (slice and packets decide there). */
export function connectionMatchesStart(conn: Connection, f: ConnectionFilter): boolean {
  return matchesStart({ id: conn.id, stream: conn.stream, client: conn.address('client'), server: conn.address('server') }, f);
}

export function matches(c: ConnectionRecord, f: ConnectionFilter): boolean {
  if (!matchesStart(c, f)) return false;
  // Like netstat, a state names where an endpoint is (here: where it was when the connection ended).
  if (f.states?.length && !f.states.some((s) => c.states.client === s || c.states.server === s)) return false;
  if (f.anomalies?.length && !f.anomalies.some((id) => c.anomalies.some((a) => a.id === id))) return false;
  if (f.connStates?.length && !c.zeekRows.some((z) => f.connStates?.includes(z.conn_state))) return false;
  if (f.historyHas?.length) {
    const history = c.zeekRows.map((z) => z.history).join('');
    if (!f.historyHas.some((letters) => hasLetters(history, letters))) return false;
  }
  if (f.flags?.length && !f.flags.some((flag) => (c.analysis[flag] ?? 0) > 0)) return false;
  return true;
}

function hasLetters(history: string, letters: string): boolean {
  for (const l of letters) if (!history.includes(l)) return false;
  return true;
}

function sameHost(wanted: string, ip: string): boolean {
  return wanted.toLowerCase() === ip.toLowerCase();
}
