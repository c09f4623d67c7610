/**
 * How a connection's opening went, as the capture-scoped rules count it (syn-flood, port-scan):
 * read once from the ended connection's endpoints and state changes.
 */
import type { Connection } from '../tcp/connection.js';

export interface HandshakeOutcome {
  /** The server answered with a SYN,ACK (its ISN is known). */
  answered: boolean;
  /** The server went from SYN-RECEIVED to ESTABLISHED and stayed past it. */
  completed: boolean;
  /** The server answered only with a RST (RFC 9293 §3.10.7.1: a SYN to a port with no listener). */
  refused: boolean;
}

/** The outcome of a connection opened by a client's SYN; null when it did not open with one (or roles were inferred). */
export function handshakeOutcome(conn: Connection): HandshakeOutcome | null {
  if (conn.rolesInferred) return null;
  const client = conn.endpointOf('client');
  const server = conn.endpointOf('server');
  if (!client.hasIsn) return null;
  const completed = server.state !== 'SYN-RECEIVED' && conn.changes.some((c) => c.from === 'SYN-RECEIVED' && c.to === 'ESTABLISHED');
  const answered = server.hasIsn;
  return { answered, completed, refused: server.sawRst && !answered };
}

/** Capture time of the connection's first packet (its SYN, for a connection opened by one), seconds. */
export function firstPacketTime(conn: Connection): number {
  return conn.firstSec + conn.firstNsec / 1e9;
}
