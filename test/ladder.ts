/**
 * Packet ladders for state-machine and rule tests (STYLE 2.7). One line per segment:
 *
 *   C>S  SYN,ACK  seq=0 ack=1 len=0 win=512   => C:SYN-SENT  S:SYN-RECEIVED
 *
 * C>S is client to server, C<S (or S>C) server to client. Flags are spelled as formatFlags
 * spells them. seq is relative to the sender's ISN, ack to the receiver's; both default to
 * what the sender has sent and received so far, so most lines need only flags and len.
 * After "=>", the states each side must be in. No bytes are involved.
 *
 * ISNs default to client 0xFFFFD8EF and server 0xFFFFFFF0 (smoltcp's REMOTE_SEQ idea): the
 * server's sequence numbers wrap after 16 bytes, the client's after ~10 kB.
 */
import { expect } from 'vitest';
import { ConnectionAnalysis } from '../src/analysis/connection-analysis.js';
import { DEFAULT_ANOMALY_OPTIONS, type Finding } from '../src/analysis/anomaly.js';
import { TcpFlag } from '../src/decode/fields.js';
import { Connection } from '../src/tcp/connection.js';
import { Segment } from '../src/tcp/segment.js';

export const CLIENT_ISN = 0xffffd8ef;
export const SERVER_ISN = 0xfffffff0;

export interface LadderOptions {
  isn?: { client: number; server: number };
  /** Seconds between lines (default 0.01). */
  step?: number;
}

export class Ladder {
  conn: Connection | null = null;
  analysis: ConnectionAnalysis | null = null;
  private readonly isn: { C: number; S: number };
  /** Relative next sequence number each side will send, and what each has received. */
  private readonly next = { C: 0, S: 0 };
  private readonly rcvd = { C: 0, S: 0 };
  private frame = 0;
  private t = 1_700_000_000;
  private readonly step: number;

  constructor(opts: LadderOptions = {}) {
    this.isn = { C: opts.isn?.client ?? CLIENT_ISN, S: opts.isn?.server ?? SERVER_ISN };
    this.step = opts.step ?? 0.01;
  }

  /** Plays the ladder's lines, checking each "=>" expectation. Returns this for chaining. */
  play(text: string): this {
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const [segmentPart = '', expectPart] = line.split('=>');
      const m = /^(C>S|C<S|S>C)\s+([A-Z,]+|none)\s*(.*?)\s*$/.exec(segmentPart.trim());
      if (m !== null) m[4] = expectPart;
      if (m === null) throw new Error(`ladder: cannot read "${line}"`);
      const from = m[1] === 'C>S' ? 'C' : 'S';
      const params = Object.fromEntries((m[3] ?? '').split(/\s+/).filter(Boolean).map((p) => p.split('=') as [string, string]));
      this.send(from, m[2] === 'none' ? 0 : flagsOf(m[2] ?? ''), params, line);
      if (m[4] !== undefined) this.expectStates(m[4], line);
    }
    return this;
  }

  private send(from: 'C' | 'S', flags: number, p: Record<string, string>, line: string): void {
    const to = from === 'C' ? 'S' : 'C';
    const seg = new Segment();
    seg.frame = ++this.frame;
    if (p['dt'] !== undefined) this.t += Number(p['dt']);
    else this.t += this.step;
    seg.tsSec = Math.floor(this.t);
    seg.tsNsec = Math.round((this.t - seg.tsSec) * 1e9);
    const relSeq = p['seq'] !== undefined ? Number(p['seq']) : this.next[from];
    const relAck = p['ack'] !== undefined ? Number(p['ack']) : this.rcvd[from];
    seg.seq = (this.isn[from] + relSeq) >>> 0;
    seg.ack = (flags & TcpFlag.ACK) !== 0 ? (this.isn[to] + relAck) >>> 0 : 0;
    seg.flags = flags;
    seg.len = Number(p['len'] ?? 0);
    seg.win = Number(p['win'] ?? 1024);
    seg.ipLen = 40 + seg.len;
    if ((flags & TcpFlag.SYN) !== 0 && p['wscale'] !== undefined) seg.wscale = Number(p['wscale']);
    const consumed = seg.rst ? 0 : seg.len + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
    if (!seg.rst) {
      this.next[from] = Math.max(this.next[from], relSeq + consumed);
      if (relSeq <= this.rcvd[to] && relSeq + consumed > this.rcvd[to]) this.rcvd[to] = relSeq + consumed;
    }
    if (this.conn === null) {
      const a = from === 'C' ? { ip: '192.0.2.1', port: 40000 } : { ip: '192.0.2.2', port: 80 };
      const b = from === 'C' ? { ip: '192.0.2.2', port: 80 } : { ip: '192.0.2.1', port: 40000 };
      this.conn = new Connection(1, 'ladder', a, b, seg, 4);
      this.aIsClient = from === 'C';
      this.analysis = new ConnectionAnalysis(DEFAULT_ANOMALY_OPTIONS);
      this.conn.observer = this.analysis;
    }
    void line;
    this.conn.process(seg, (from === 'C') === this.aIsClient);
  }

  private aIsClient = true;

  /** The endpoint of the client ('C') or the server ('S') as the ladder names them. */
  endpoint(who: 'C' | 'S') {
    const conn = this.conn as Connection;
    return (who === 'C') === this.aIsClient ? conn.a : conn.b;
  }

  state(who: 'C' | 'S'): string {
    return this.endpoint(who).state;
  }

  expectStates(spec: string, line = ''): void {
    for (const part of spec.split(/\s+/).filter(Boolean)) {
      const [who, state] = part.split(':') as ['C' | 'S', string];
      expect(this.state(who), `${line}\n  → ${who === 'C' ? 'client' : 'server'}`).toBe(state);
    }
  }

  /** Runs the end-of-connection rules and returns every finding. */
  findings(captureEnd?: number): Finding[] {
    const conn = this.conn as Connection;
    const a = this.analysis as ConnectionAnalysis;
    a.finish(conn, captureEnd ?? this.t, true);
    return a.findings;
  }
}

function flagsOf(spec: string): number {
  let f = 0;
  for (const name of spec.split(',')) {
    const bit = (TcpFlag as Record<string, number>)[name];
    if (bit === undefined) throw new Error(`ladder: unknown flag ${name}`);
    f |= bit;
  }
  return f;
}

export function ladder(text: string, opts?: LadderOptions): Ladder {
  return new Ladder(opts).play(text);
}

/** Fixtures per state, each built from the one before (smoltcp's socket_established() …). */
export const HANDSHAKE = `
  C>S  SYN          => C:SYN-SENT     S:SYN-RECEIVED
  C<S  SYN,ACK      => C:ESTABLISHED  S:SYN-RECEIVED
  C>S  ACK          => C:ESTABLISHED  S:ESTABLISHED
`;
export const established = (opts?: LadderOptions): Ladder => ladder(HANDSHAKE, opts);
export const finWait1 = (): Ladder => established().play(`C>S FIN,ACK => C:FIN-WAIT-1 S:CLOSE-WAIT`);
export const finWait2 = (): Ladder => finWait1().play(`C<S ACK => C:FIN-WAIT-2 S:CLOSE-WAIT`);
export const lastAck = (): Ladder => finWait2().play(`C<S FIN,ACK => C:TIME-WAIT S:LAST-ACK`);
export const timeWait = (): Ladder => lastAck().play(`C>S ACK => C:TIME-WAIT S:CLOSED`);
