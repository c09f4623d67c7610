/**
 * The bundled samples each tell their story in `analyze` output. Every expectation below was
 * read off the packets by hand (tcpdump -nn -r samples/FILE; samples/README.md).
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ConnectionRecord } from '../../src/report/model.js';
import { analyze } from '../support/analyze.js';
import { SAMPLES } from '../support/cli.js';

/**
 * The loopback samples carry the partial checksums of checksum offload: Zeek skips such
 * segments (history C only) unless run with -C, so their Zeek verdicts are read with -C.
 */
async function only(file: string, zeekIgnoreChecksums = false): Promise<ConnectionRecord> {
  const r = await analyze(join(SAMPLES, file), file, { zeekIgnoreChecksums });
  expect(r.connections).toHaveLength(1);
  return r.connections[0] as ConnectionRecord;
}

/**
 * One side's changes: STATE@frame witnessed by its own segment, STATE@frame^n inferred then
 * proved by its own frame n, STATE@frame~ inferred, STATE@frame xn contradicted by frame n,
 * STATE*@- projected.
 */
const path = (c: ConnectionRecord, side: 'client' | 'server'): string =>
  c.transitions
    .filter((t) => t.side === side)
    .map((t) => {
      const at = `${t.to}${t.projected ? '*' : ''}@${t.frame ?? '-'}`;
      if (t.projected) return at;
      if (t.evidence === 'contradicted') return `${at}x${(t.contradictedBy ?? []).join(',')}`;
      if (t.evidence === 'inferred') return `${at}~`;
      return t.evidenceFrame !== null && t.evidenceFrame !== t.frame ? `${at}^${t.evidenceFrame}` : at;
    })
    .join(' ');

describe('samples', () => {
  test('loopback checksums: without -C Zeek processes none of the segments (TCP.cc ValidateChecksum), history C', async () => {
    const c = await only('handshake-close.pcap');
    expect([c.zeek.conn_state, c.zeek.history, c.zeek.orig_pkts, c.zeek.resp_pkts]).toEqual(['OTH', 'C', 0, 0]);
  });

  test('handshake-close: 3-way handshake, client closes first, FIN,ACK and the final ACK', async () => {
    const c = await only('handshake-close.pcap', true);
    // frames: 1 S, 2 S., 3 ., 4 P. (18), 5 ., 6 P. (25), 7 ., 8 F. client, 9 F. server, 10 . client
    // Frame 9's FIN,ACK acknowledges the client's FIN: ACK field first, FIN-WAIT-2, then TIME-WAIT (§3.10.7.4).
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@8 FIN-WAIT-2@9^10 TIME-WAIT@9^10 CLOSED*@-');
    // The server's SYN,ACK (frame 2) is the first sign of it; the final ACK's arrival stays inferred.
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@8^9 LAST-ACK@9 CLOSED@10~');
    expect([c.zeek.conn_state, c.zeek.history, c.bytes.client, c.bytes.server]).toEqual(['SF', 'ShADadFf', 18, 25]);
    expect(c.anomalies).toEqual([]);
  });

  test('refused: SYN answered by RST,ACK', async () => {
    const c = await only('refused.pcap', true);
    expect(path(c, 'client')).toBe('SYN-SENT@1 CLOSED@2~');
    // Nothing listened: CLOSED answered the SYN with RST (§3.10.7.1), never LISTEN or SYN-RECEIVED.
    expect(path(c, 'server')).toBe('CLOSED@2');
    expect([c.zeek.conn_state, c.zeek.history]).toEqual(['REJ', 'Sr']);
    expect(c.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['rst-refused@server@2']);
    expect(c.anomalies[0]?.detail).toContain('no listener');
  });

  test('rst-abort: the client resets after request and reply', async () => {
    const c = await only('rst-abort.pcap', true);
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 CLOSED@8');
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSED@8~');
    expect(c.zeek.conn_state).toBe('RSTO');
    expect(c.anomalies.map((a) => `${a.id}@${a.side}`)).toEqual(['rst-abort@client']);
  });

  test('half-close: the server sends three chunks after the client\'s FIN, then closes', async () => {
    const c = await only('half-close.pcap');
    // 6 F. client (with no data); 7, 9, 11 P. server; 13 F. server; 14 . client
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@6 FIN-WAIT-2@7^14 TIME-WAIT@13^14 CLOSED*@-');
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@6^7 LAST-ACK@13 CLOSED@14~');
    expect(c.bytes.server).toBe(3 * 34);
    expect(c.anomalies).toEqual([]);
  });

  test('simultaneous-close: the FINs cross; both sides pass through CLOSING', async () => {
    const c = await only('simultaneous-close.pcap');
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@7 CLOSING@8^9 TIME-WAIT@10~ CLOSED*@-');
    // Frame 8's FIN acknowledges 101, not the client's FIN (102): the CLOSE-WAIT assumed at 7 is
    // contradicted, the FINs crossed, and the client's FIN arrives after the server's (Figure 13).
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@7x8 FIN-WAIT-1@8 CLOSING@8^10 TIME-WAIT@9~ CLOSED*@-');
    expect(c.zeek.conn_state).toBe('SF');
  });

  test('fin-retransmitted: the client\'s FIN twice at one sequence number, 200 ms apart', async () => {
    const c = await only('fin-retransmitted.pcap');
    const f = c.anomalies.find((a) => a.id === 'fin-retransmitted');
    expect(f).toMatchObject({ side: 'client', frame: 8, frames: [7, 8] });
    expect(f?.detail).toContain('over 200.0 ms');
    // Zeek adds no second F for a same-sequence FIN (zeek/zeek scripts/base/protocols/conn/main.zeek, history): the blind spot we cover.
    // frames 1 S, 2 h, 3 A, 4 D, 5 d, 7 F, 8 (same FIN: nothing), 9 a, 10 f
    expect(c.zeek.history).toBe('ShADdFaf');
    expect(c.analysis['retransmission']).toBe(1);
    // The resent FIN (8) shows the first (7) had not arrived; the server's ACK (9) shows the second did.
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@7x8 CLOSE-WAIT@9 LAST-ACK@10 CLOSED@11~');
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@7 FIN-WAIT-2@9^11 TIME-WAIT@10^11 CLOSED*@-');
  });

  test('missing-final-ack: the server is left in LAST-ACK', async () => {
    const c = await only('missing-final-ack.pcap');
    expect(c.states).toEqual({ client: 'TIME-WAIT', server: 'LAST-ACK' });
    expect(c.openAtEnd).toEqual({ client: false, server: true });
    expect(path(c, 'client')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@7 FIN-WAIT-2@8~ TIME-WAIT@9~ CLOSED*@-');
    expect(path(c, 'server')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@7^8 LAST-ACK@9');
    expect(c.anomalies.map((a) => `${a.id}@${a.side}@${a.frame}`)).toEqual(['missing-final-ack@server@9']);
  });

  test('syn-flood: one flood finding for 203.0.113.80:80, the real clients complete', async () => {
    const r = await analyze(join(SAMPLES, 'syn-flood.pcapng'), 'syn-flood.pcapng');
    expect(r.connections).toHaveLength(303);
    expect(r.anomalies.map((a) => a.id)).toEqual(['syn-flood']);
    // 300 spoofed SYNs plus the 3 real clients' SYNs.
    expect(r.anomalies[0]?.detail).toMatch(/^203\.0\.113\.80:80: 300 half-open attempts .* 303 SYNs in 1\.5 s, peak \d+\/s, from 303 distinct sources; 100 % answered by SYN,ACK, 1 % completed$/);
    const perConnection = r.connections.flatMap((c) => c.anomalies.map((a) => a.id));
    expect(new Set(perConnection)).toEqual(new Set());
    expect(r.capture.comments).toEqual(['tcplens sample: SYN flood on 203.0.113.80:80 (crafted)']);
  });
});
