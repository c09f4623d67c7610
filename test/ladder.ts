/**
 * Packet ladders for state-machine and rule tests (smoltcp's send!/recv! idea). One line per segment:
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

/** Table rows taken on ladder lines whose "=>" expectation held: "send|arrive STATE event". */
export const ROWS_TAKEN = new Set<string>();
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
      if (m === null) throw new Error(`ladder: cannot read "${line}"`);
      const from = m[1] === 'C>S' ? 'C' : 'S';
      const params = Object.fromEntries((m[3] ?? '').split(/\s+/).filter(Boolean).map((p) => p.split('=') as [string, string]));
      this.lineRows.length = 0;
      this.send(from, m[2] === 'none' ? 0 : flagsOf(m[2] ?? ''), params, line);
      if (expectPart !== undefined) {
        this.expectStates(expectPart, line);
        for (const r of this.lineRows) ROWS_TAKEN.add(r);
      }
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
      this.conn.machines.rowHook = (at, state, event) => this.lineRows.push(`${at} ${state} ${event}`);
    }
    void line;
    this.conn.process(seg, (from === 'C') === this.aIsClient);
  }

  private aIsClient = true;
  private readonly lineRows: string[] = [];

  /** The endpoint of the client ('C') or the server ('S') as the ladder names them. */
  endpoint(who: 'C' | 'S') {
    const conn = this.conn as Connection;
    return (who === 'C') === this.aIsClient ? conn.a : conn.b;
  }

  state(who: 'C' | 'S'): string {
    return this.endpoint(who).state;
  }

  /**
   * One side's changes with their evidence: \`STATE@frame\` witnessed by its own segment,
   * \`STATE@frame^n\` inferred then confirmed by its own segment n, \`STATE@frame~\` inferred,
   * \`STATE@frame x n,m\` (written \`xn,m\`) contradicted by frames n, m.
   */
  path(who: 'C' | 'S'): string {
    const conn = this.conn as Connection;
    const name = (who === 'C') === this.aIsClient ? 'a' : 'b';
    return conn.changes
      .filter((c) => c.endpoint === name)
      .map((c) => {
        const at = `${c.to}@${c.frame}`;
        if (c.evidence === 'contradicted') return `${at}x${(c.contradictedBy ?? []).join(',')}`;
        if (c.evidence === 'inferred') return `${at}~`;
        return c.evidenceFrame !== null && c.evidenceFrame !== c.frame ? `${at}^${c.evidenceFrame}` : at;
      })
      .join(' ');
  }

  /** The segments no row expected, as "send|arrive STATE event@frame". */
  unexpected(): string[] {
    return (this.conn as Connection).unexpected.map((u) => `${u.at} ${u.state} ${u.event}@${u.frame}`);
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
  C>S  SYN          => C:SYN-SENT     S:UNSEEN
  C<S  SYN,ACK      => C:ESTABLISHED  S:SYN-RECEIVED
  C>S  ACK          => C:ESTABLISHED  S:ESTABLISHED
`;
export const established = (opts?: LadderOptions): Ladder => ladder(HANDSHAKE, opts);
export const synSent = (): Ladder => ladder(`C>S SYN => C:SYN-SENT S:UNSEEN`);
export const synReceived = (): Ladder => synSent().play(`C<S SYN,ACK => C:ESTABLISHED S:SYN-RECEIVED`);
export const finWait1 = (): Ladder => established().play(`C>S FIN,ACK => C:FIN-WAIT-1 S:CLOSE-WAIT`);
export const finWait2 = (): Ladder => finWait1().play(`C<S ACK => C:FIN-WAIT-2 S:CLOSE-WAIT`);
export const lastAck = (): Ladder => finWait2().play(`C<S FIN,ACK => C:TIME-WAIT S:LAST-ACK`);
export const timeWait = (): Ladder => lastAck().play(`C>S ACK => C:TIME-WAIT S:CLOSED`);

/** One endpoint's TCB as the observer holds it (smoltcp's socket fixtures). */
export interface EndpointFixture {
  state: string;
  nextSeq: number;
  lastAck: number | null;
  finSeq: number | null;
  window: number;
}

/**
 * Fixtures per state, written by hand from the ISNs (not from running the engine): each
 * sequence number is the ISN plus the SYNs and FINs sent so far, each ACK what the peer sent.
 * sanity() checks that the state reached through real segments equals them field by field.
 */
const C1 = (CLIENT_ISN + 1) >>> 0; // 0xFFFFD8F0: after the client's SYN
const S1 = (SERVER_ISN + 1) >>> 0; // 0xFFFFFFF1: after the server's SYN
export const FIXTURES: Record<string, { C: EndpointFixture; S: EndpointFixture }> = {
  synSent: {
    C: { state: 'SYN-SENT', nextSeq: 0xffffd8f0, lastAck: null, finSeq: null, window: 1024 },
    S: { state: 'UNSEEN', nextSeq: 0, lastAck: null, finSeq: null, window: 0 },
  },
  synReceived: {
    C: { state: 'ESTABLISHED', nextSeq: C1, lastAck: null, finSeq: null, window: 1024 },
    S: { state: 'SYN-RECEIVED', nextSeq: 0xfffffff1, lastAck: C1, finSeq: null, window: 1024 },
  },
  established: {
    C: { state: 'ESTABLISHED', nextSeq: C1, lastAck: S1, finSeq: null, window: 1024 },
    S: { state: 'ESTABLISHED', nextSeq: S1, lastAck: C1, finSeq: null, window: 1024 },
  },
  finWait1: {
    C: { state: 'FIN-WAIT-1', nextSeq: 0xffffd8f1, lastAck: S1, finSeq: 0xffffd8f0, window: 1024 },
    S: { state: 'CLOSE-WAIT', nextSeq: S1, lastAck: C1, finSeq: null, window: 1024 },
  },
  finWait2: {
    C: { state: 'FIN-WAIT-2', nextSeq: 0xffffd8f1, lastAck: S1, finSeq: 0xffffd8f0, window: 1024 },
    S: { state: 'CLOSE-WAIT', nextSeq: S1, lastAck: 0xffffd8f1, finSeq: null, window: 1024 },
  },
  lastAck: {
    C: { state: 'TIME-WAIT', nextSeq: 0xffffd8f1, lastAck: S1, finSeq: 0xffffd8f0, window: 1024 },
    S: { state: 'LAST-ACK', nextSeq: 0xfffffff2, lastAck: 0xffffd8f1, finSeq: 0xfffffff1, window: 1024 },
  },
  timeWait: {
    C: { state: 'TIME-WAIT', nextSeq: 0xffffd8f1, lastAck: 0xfffffff2, finSeq: 0xffffd8f0, window: 1024 },
    S: { state: 'CLOSED', nextSeq: 0xfffffff2, lastAck: 0xffffd8f1, finSeq: 0xfffffff1, window: 1024 },
  },
};

/** smoltcp's sanity!: the endpoints reached through real segments equal the fixture, field by field. */
export function sanity(l: Ladder, fixture: { C: EndpointFixture; S: EndpointFixture }): void {
  for (const who of ['C', 'S'] as const) {
    const ep = l.endpoint(who);
    const got: EndpointFixture = {
      state: ep.state,
      nextSeq: ep.hasNextSeq ? ep.nextSeq : 0,
      lastAck: ep.hasLastAck ? ep.lastAck : null,
      finSeq: ep.sawFin ? ep.finSeq : null,
      window: ep.window,
    };
    expect(got, who === 'C' ? 'client' : 'server').toEqual(fixture[who]);
  }
}
