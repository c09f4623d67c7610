/**
 * listen-queue-overflow: a listener that serves some connections and drops or refuses others
 * because its queues are full. Capture-scoped (it needs several connections to one ip:port),
 * counted as connections end, in bounded memory (a BoundedTable of listeners, the MAX_ constants).
 *
 * Linux, net/ipv4/tcp_input.c tcp_conn_request(): a SYN is dropped when the accept queue is
 * full (LINUX_MIB_LISTENOVERFLOWS); net/ipv4/tcp_minisocks.c tcp_check_req(): when the final
 * ACK finds the accept queue full the child is not created, the ACK is dropped and the SYN,ACK
 * timer resends the SYN,ACK; with net.ipv4.tcp_abort_on_overflow = 1 the ACK is answered by a
 * RST instead (listen(2): the backlog bounds the queue of completely established sockets).
 */
import { formatEndpoint } from '../../decode/format.js';
import type { Connection } from '../../tcp/connection.js';
import { defineAnomaly, type Finding } from '../anomaly.js';
import { BoundedTable } from '../bounded.js';
import { counted } from '../wording.js';

export default defineAnomaly({
  id: 'listen-queue-overflow',
  scope: 'capture',
  severity: 'warning',
  rfc: 'RFC 9293 §3.10.7.2 (LISTEN), listen(2) backlog; Linux tcp_conn_request / tcp_check_req',
  doc: `Set per server ip:port when any of the following is true:
        - SYNs dropped while others complete: a client's SYNs get nothing back (the server stays UNSEEN)
          while another handshake to the same ip:port completes within ${3} s of them
        - final ACK ignored: the server resends its SYN,ACK after the client's ACK of it (the accept
          queue is full: the application does not call accept() fast enough)
        - final ACK answered with RST: the server answers the client's ACK of its SYN,ACK with a RST
          of the form a port with no connection sends (Linux tcp_abort_on_overflow)
        The detail says which, how many connections, and over what time.
        A listener that serves some connections and drops or refuses others: its queues are full.`,

  create(): BoundedTable<string, Listener> {
    // When full, listeners with nothing but completed handshakes go first, oldest first.
    return new BoundedTable<string, Listener>(MAX_LISTENERS, [(l) => l.dropped.length === 0 && l.ackIgnored === null && l.ackReset === null]);
  },
  onConnectionEnd: onEnd,
  findings,
});

/** Seconds around a dropped SYN within which another handshake to the port must complete. */
const WINDOW_SECONDS = 3;
const MAX_LISTENERS = 10_000;
/** Per listener: completion times and dropped attempts kept (oldest half forgotten past it). */
const MAX_EVENTS = 4096;
const MAX_FRAMES = 10;

interface Kind {
  count: number;
  first: number;
  last: number;
  frames: number[];
}

interface Listener {
  completed: number[];
  /** Dropped attempts: first and last SYN time, and the first SYN's frame. */
  dropped: { first: number; last: number; frame: number }[];
  ackIgnored: Kind | null;
  ackReset: Kind | null;
}

function onEnd(listeners: BoundedTable<string, Listener>, conn: Connection): void {
  if (conn.rolesInferred) return;
  const client = conn.endpointOf('client');
  const server = conn.endpointOf('server');
  if (!client.hasIsn || client.synCount === 0) return;
  const serverName = conn.clientIsA ? 'b' : 'a';
  let completed = false;
  let ignored: number | null = null;
  let reset: number | null = null;
  for (const c of conn.changes) {
    if (c.endpoint !== serverName || c.from !== 'SYN-RECEIVED' || c.to !== 'ESTABLISHED') continue;
    if (c.evidence !== 'contradicted') completed = true;
    else if (c.contradiction === 'resent' && ignored === null) ignored = c.evidenceFrame;
    else if (c.contradiction === 'reset' && reset === null) reset = c.evidenceFrame;
  }
  const dropped = server.packets === 0 && server.state === 'UNSEEN';
  if (!completed && !dropped && ignored === null && reset === null) return;
  const l = listeners.obtain(formatEndpoint(conn.address('server')), () => ({ completed: [], dropped: [], ackIgnored: null, ackReset: null }));
  if (l === undefined) return;
  const synTime = conn.firstSec + conn.firstNsec / 1e9;
  if (completed) push(l.completed, synTime);
  if (dropped) push(l.dropped, { first: synTime, last: client.lastSynTime, frame: conn.firstFrame });
  if (ignored !== null) l.ackIgnored = count(l.ackIgnored, synTime, ignored);
  if (reset !== null) l.ackReset = count(l.ackReset, synTime, reset);
}

function findings(listeners: BoundedTable<string, Listener>): Finding[] {
  const out: Finding[] = [];
  for (const [key, l] of listeners.entries) {
    const parts: string[] = [];
    let frame = Infinity;
    const frames: number[] = [];
    if (l.completed.length > 0 && l.dropped.length > 0) {
      let n = 0;
      let first = Infinity;
      let last = -Infinity;
      for (const d of l.dropped) {
        if (!l.completed.some((t) => t >= d.first - WINDOW_SECONDS && t <= d.last + WINDOW_SECONDS)) continue;
        n++;
        first = Math.min(first, d.first);
        last = Math.max(last, d.last);
        frame = Math.min(frame, d.frame);
        if (frames.length < MAX_FRAMES) frames.push(d.frame);
      }
      if (n > 0) parts.push(`SYNs dropped while others complete: ${counted(n, 'connection')} got nothing back over ${(last - first).toFixed(3)} s while ${counted(l.completed.length, 'handshake')} to it completed`);
    }
    for (const [k, what] of [
      [l.ackIgnored, 'final ACK ignored and SYN,ACK resent (accept queue full)'],
      [l.ackReset, 'final ACK answered with RST (tcp_abort_on_overflow)'],
    ] as const) {
      if (k === null) continue;
      parts.push(`${what}: ${counted(k.count, 'connection')} over ${(k.last - k.first).toFixed(3)} s`);
      frame = Math.min(frame, k.frames[0] as number);
      for (const f of k.frames) if (frames.length < MAX_FRAMES) frames.push(f);
    }
    if (parts.length === 0) continue;
    frames.sort((a, b) => a - b);
    out.push({ id: 'listen-queue-overflow', severity: 'warning', frame, frames, side: 'server', detail: `${key}: ${parts.join('; ')}` });
  }
  return out;
}

function push<T>(list: T[], v: T): void {
  if (list.length >= MAX_EVENTS) list.splice(0, MAX_EVENTS / 2);
  list.push(v);
}

function count(k: Kind | null, t: number, frame: number): Kind {
  if (k === null) return { count: 1, first: t, last: t, frames: [frame] };
  k.count++;
  k.first = Math.min(k.first, t);
  k.last = Math.max(k.last, t);
  if (k.frames.length < MAX_FRAMES) k.frames.push(frame);
  return k;
}
