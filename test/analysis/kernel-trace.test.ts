/**
 * The oracle: the Linux kernel's own state changes. Each story in samples/kernel/ was played on
 * loopback in a network namespace of its own by samples/kernel/record-kernel.sh, captured with
 * tcpdump and traced with the tracepoint sock:inet_sock_set_state (one line per state change
 * of every TCP socket of the story's port: its ports, old and new state). For every socket the
 * kernel traced, tcplens's state sequence for that endpoint must equal the kernel's, and every
 * endpoint tcplens says had a connection must be a socket the kernel traced.
 *
 * What the kernel does not trace, and how the comparison allows for it (nothing else is
 * forgiven):
 * - TIME-WAIT lives in a separate mini-socket: the full socket goes FIN_WAIT2 (or CLOSING) →
 *   CLOSE. tcplens's TIME-WAIT is compared as CLOSED.
 * - A request sock (SYN-RECEIVED before the final ACK) is no socket: a child is born at the
 *   final ACK (LISTEN → SYN_RECV → ESTABLISHED in one softirq; with TCP Fast Open at the SYN).
 *   A server endpoint that never left SYN-RECEIVED had no socket to trace.
 * - A port nobody listens on has no socket: tcplens's UNSEEN → CLOSED (answered RST) is that.
 * - A socket that gives up on its SYNs closes silently (SYN_SENT → CLOSE with no packet); the
 *   capture cannot show it, and tcplens says "still SYN-SENT at capture end".
 * - The client's CLOSE → SYN_SENT is traced before its port is chosen (sport=0): its SYN_SENT
 *   is read from the oldstate of its next line.
 * - Raw-socket clients (<story>.json rawClientPorts: a scanner, or a held-open handshake) are
 *   no TCP sockets: the kernel has nothing for them, and they are not compared.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConnectionRecord } from '../../src/report/model.js';
import { analyze } from '../support/analyze.js';
import { SAMPLES } from '../support/cli.js';

const DIR = join(SAMPLES, 'kernel');
const STORIES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

const KERNEL_STATE: Record<string, string> = {
  TCP_ESTABLISHED: 'ESTABLISHED',
  TCP_SYN_SENT: 'SYN-SENT',
  TCP_SYN_RECV: 'SYN-RECEIVED',
  TCP_FIN_WAIT1: 'FIN-WAIT-1',
  TCP_FIN_WAIT2: 'FIN-WAIT-2',
  TCP_TIME_WAIT: 'TIME-WAIT',
  TCP_CLOSE: 'CLOSED',
  TCP_CLOSE_WAIT: 'CLOSE-WAIT',
  TCP_LAST_ACK: 'LAST-ACK',
  TCP_LISTEN: 'LISTEN',
  TCP_CLOSING: 'CLOSING',
};

/** Per socket ("localport>remoteport"), the kernel's states in order. Listeners (dport 0) are left out. */
export function kernelPaths(trace: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of trace.split('\n')) {
    const m = /inet_sock_set_state: .* sport=(\d+) dport=(\d+) .* oldstate=(\w+) newstate=(\w+)/.exec(line);
    if (m === null) continue;
    const [, sport, dport, oldstate, newstate] = m as unknown as [string, string, string, string, string];
    if (sport === '0' || dport === '0') continue; // before the port is chosen; a listener
    const key = `${sport}>${dport}`;
    let path = out.get(key);
    if (path === undefined) {
      path = [];
      // A socket met first in a later state: that state is where it was (SYN_SENT after CLOSE → SYN_SENT at sport 0).
      if (oldstate !== 'TCP_LISTEN' && oldstate !== 'TCP_CLOSE') path.push(KERNEL_STATE[oldstate] as string);
      out.set(key, path);
    }
    path.push(KERNEL_STATE[newstate] ?? newstate);
  }
  return out;
}

/** tcplens's states for one endpoint, as the kernel would trace them (see the header). */
export function tcplensPath(c: ConnectionRecord, side: 'client' | 'server'): string[] {
  const ts = c.transitions.filter((t) => t.side === side && !t.projected && t.evidence !== 'contradicted');
  if (ts.length === 1 && ts[0]?.from === 'UNSEEN' && ts[0].to === 'CLOSED') return []; // no listener, no socket
  const states = ts.map((t) => t.to).filter((s) => s !== 'UNSEEN' && s !== 'MIDSTREAM').map((s) => (s === 'TIME-WAIT' ? 'CLOSED' : s));
  if (states[0] === 'SYN-RECEIVED' && !states.includes('ESTABLISHED')) return []; // a request sock, never a socket
  return states;
}

/** Sockets the kernel traced per story, besides the listener (counted in the .trace by hand). */
const SOCKETS: Record<string, number> = {
  'handshake-close': 2,
  refused: 1,
  'rst-abort': 2,
  'half-close': 2,
  'syn-dropped': 1,
  'syn-scan': 0,
  'listen-backlog': 6, // clients 1, 2 and their children, the raw client 50100's child, the last client
  'listen-backlog-abort': 6,
  tfo: 4,
  'fin-lost': 2,
  'syn-ack-lost': 2,
  'zero-window': 2,
};

describe.each(STORIES)('kernel trace: %s', (story) => {
  test('every endpoint\'s state sequence equals the kernel\'s for the same socket', async () => {
    const meta = JSON.parse(readFileSync(join(DIR, `${story}.json`), 'utf8')) as { port: number; rawClientPorts: number[] };
    const kernel = kernelPaths(readFileSync(join(DIR, `${story}.trace`), 'utf8'));
    const r = await analyze(join(DIR, `${story}.pcap`), `${story}.pcap`, LOOPBACK);
    const ours = new Map<string, string[]>();
    for (const c of r.connections) {
      for (const side of ['client', 'server'] as const) {
        const me = side === 'client' ? c.client : c.server;
        const peer = side === 'client' ? c.server : c.client;
        if (meta.rawClientPorts.includes(me.port)) continue; // no socket: nothing to compare
        const path = tcplensPath(c, side);
        const key = `${me.port}>${peer.port}`;
        const k = kernel.get(key);
        // A socket that gave up on its SYNs: its CLOSE has no packet.
        if (k !== undefined && path.at(-1) === 'SYN-SENT' && k.at(-1) === 'CLOSED' && k.at(-2) === 'SYN-SENT') k.pop();
        if (path.length > 0 || k !== undefined) ours.set(key, path);
      }
    }
    expect(Object.fromEntries([...ours].sort())).toEqual(Object.fromEntries([...kernel].sort()));
    // The scan's only kernel socket is the listener: its server is a request sock, its client a raw socket.
    expect(kernel.size).toBe(SOCKETS[story]);
  });
});

/** The stories, read off `tshark -r samples/kernel/STORY.pcap` and the .trace by hand. */
/** Loopback captures carry the checksums the kernel left to offload: model Zeek as `zeek -C`. */
const LOOPBACK = { zeekIgnoreChecksums: true };

describe('kernel-traced stories', () => {
  const load = async (story: string) => (await analyze(join(DIR, `${story}.pcap`), `${story}.pcap`, LOOPBACK)).connections;
  const path = (c: ConnectionRecord, side: 'client' | 'server'): string =>
    c.transitions
      .filter((t) => t.side === side && !t.projected)
      .map((t) => `${t.to}@${t.frame}${t.evidence === 'contradicted' ? `x${(t.contradictedBy ?? []).join(',')}` : t.evidence === 'inferred' ? '~' : ''}`)
      .join(' ');

  test('refused: the server is CLOSED throughout, never LISTEN or SYN-RECEIVED; Zeek REJ; rst-refused says no listener', async () => {
    const [c] = await load('refused');
    expect([path(c!, 'client'), path(c!, 'server'), c!.zeek.conn_state]).toEqual(['SYN-SENT@1 CLOSED@2~', 'CLOSED@2', 'REJ']);
    expect(c!.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['rst-refused@server@2']);
    expect(c!.anomalies[0]?.detail).toMatch(/^connection refused: no listener on 127\.0\.0\.1:47202/);
  });

  test('syn-dropped: six SYNs a second apart (tcp_syn_linear_timeouts), nothing back: server UNSEEN, client still SYN-SENT; Zeek S0', async () => {
    const [c] = await load('syn-dropped');
    expect([path(c!, 'client'), path(c!, 'server'), c!.states.server, c!.zeek.conn_state]).toEqual(['SYN-SENT@1', '', 'UNSEEN', 'S0']);
    expect(c!.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['unanswered-syn@client@1', 'syn-retransmitted@client@2']);
    expect(c!.anomalies[0]?.detail).toMatch(/^6 SYNs over 5\.10\d s \(frames 1 to 6\), and nothing came back from the server; the client is still SYN-SENT at capture end$/);
    expect(c!.stateNotes.server).toMatch(/^nothing was heard from the server \(6 SYNs over 5\.10\d s, no answer\)/);
  });

  test('syn-scan: the scanner\'s ESTABLISHED is inferred and contradicted by the resent SYN,ACKs; the server stays SYN-RECEIVED', async () => {
    const [c] = await load('syn-scan');
    expect([path(c!, 'client'), path(c!, 'server')]).toEqual(['SYN-SENT@1 ESTABLISHED@2x3,4', 'SYN-RECEIVED@2']);
    expect(c!.transitions.find((t) => t.evidence === 'contradicted')?.why).toBe(
      "contradicted: the client would have been ESTABLISHED if the segment of frame 2 had arrived; resent unchanged (frames 3, 4): the ACK that would have settled it never arrived",
    );
  });

  test('listen-backlog: SYNs dropped while others complete, and a final ACK ignored with its SYN,ACK resent', async () => {
    const r = await analyze(join(DIR, 'listen-backlog.pcap'), 'listen-backlog.pcap', LOOPBACK);
    // frames 9-10 SYN/SYN,ACK of raw port 50101, 12 its ACK (ignored), 14 and 17 the SYN,ACK again; 13, 15, 16 the last client's SYNs
    const b = r.connections.find((c) => c.client.port === 50101)!;
    expect(path(b, 'server')).toBe('SYN-RECEIVED@10 ESTABLISHED@12x14,17');
    expect(r.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['listen-queue-overflow@server@13']);
    expect(r.anomalies[0]?.frames).toEqual([13, 14]);
    expect(r.anomalies[0]?.detail).toMatch(/^127\.0\.0\.1:47207: SYNs dropped while others complete: 1 connection got nothing back over 2\.04\d s while 3 handshakes to it completed; final ACK ignored and SYN,ACK resent \(accept queue full\): 1 connection over 0\.000 s$/);
  });

  test('listen-backlog-abort: the final ACK answered with a RST (tcp_abort_on_overflow)', async () => {
    const r = await analyze(join(DIR, 'listen-backlog-abort.pcap'), 'listen-backlog-abort.pcap', LOOPBACK);
    const b = r.connections.find((c) => c.client.port === 50101)!;
    expect(path(b, 'server')).toBe('SYN-RECEIVED@10 ESTABLISHED@12x13 CLOSED@13');
    expect(r.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['listen-queue-overflow@server@13']);
    expect(r.anomalies[0]?.detail).toMatch(/final ACK answered with RST \(tcp_abort_on_overflow\): 1 connection over 0\.000 s$/);
  });

  test('fin-lost: the FIN sent four times; the first three copies contradict the server\'s CLOSE-WAIT, its own FIN,ACK witnesses it', async () => {
    const [c] = await load('fin-lost');
    // frames 6, 7, 8, 9 the client's FIN (the server's socket filter dropped the first three), 10 the server's FIN,ACK acknowledging it
    expect(path(c!, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3 CLOSE-WAIT@6x7,8,9 CLOSE-WAIT@10 LAST-ACK@10 CLOSED@11~');
    expect(path(c!, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@6 FIN-WAIT-2@10 TIME-WAIT@10');
    // The kernel resent its FIN on its retransmission timer (204, 210, 438 ms of silence, over the 200 ms floor).
    expect(c!.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['retransmission-timeout@client@7', 'fin-retransmitted@client@7', 'retransmission-timeout@client@8', 'retransmission-timeout@client@9']);
  });

  test('syn-ack-lost: the server\'s timer resends the lost SYN,ACK (3), contradicting the client\'s ESTABLISHED; the SYN,ACK answering the resent SYN (6) contradicts nothing', async () => {
    const [c] = await load('syn-ack-lost');
    expect(path(c!, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2x3 ESTABLISHED@5 FIN-WAIT-1@10 FIN-WAIT-2@11 TIME-WAIT@11');
    expect(path(c!, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@5 CLOSE-WAIT@10 LAST-ACK@11 CLOSED@12~');
  });

  test('zero-window: the server stops reading with a 4 KiB receive buffer; its window stays shut while the client probes (Linux: keep-alive-shaped), then opens', async () => {
    const [c] = await load('zero-window');
    // frames 7 (ACK, window 0), 8 and 10 the client's persist-timer probes (seq one below, no data), 11 the window opens, 12 data, 55 the last data with the FIN
    expect(c!.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['zero-window-stall@server@7']);
    expect(c!.anomalies[0]?.detail).toMatch(/^the server advertised a zero window for 1\.4\d\d s, from frame 7 until frame 11 opened it, while the client had data to send: 2 probes \(frames 8, 10\)$/);
    expect([c!.figures.server.zeroWindows, c!.figures.server.windowMin, c!.figures.client.uniqueBytes, c!.figures.client.retransmittedBytes]).toEqual([2, 2048, 65536, 0]);
    expect(path(c!, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@55 FIN-WAIT-2@56 TIME-WAIT@57');
  });

  test('tfo: 19 bytes on the SYN, acknowledged by the SYN,ACK: no handshake anomaly, bytes counted', async () => {
    const [, c] = await load('tfo');
    // frames 10 SYN (19 bytes), 11 SYN,ACK ack=20, 12 ACK, 13 reply, 15-17 close
    expect(path(c!, 'client')).toBe('SYN-SENT@10 ESTABLISHED@11 FIN-WAIT-1@15 FIN-WAIT-2@16 TIME-WAIT@16');
    expect(path(c!, 'server')).toBe('SYN-RECEIVED@11 ESTABLISHED@12 CLOSE-WAIT@15 LAST-ACK@16 CLOSED@17~');
    expect(c!.bytes).toEqual({ client: 19, server: 19 });
    expect(c!.anomalies).toEqual([]);
  });
});
