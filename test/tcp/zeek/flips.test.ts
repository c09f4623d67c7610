/**
 * Roles as Zeek assigns them. At the first packet, IPBasedAnalyzer::NewConn asks
 * TCPAnalyzer::WantConnection (zeek/zeek src/packet_analysis/protocol/tcp/TCP.cc): a connection
 * that starts without a pure SYN is flipped when its source port is in likely_server_ports (if
 * both ports are, only a non-SYN packet whose source port is the lower one). Later,
 * TCP_Endpoint::CheckHistory flips a connection whose history is exactly "H" at its first pure
 * ACK or data packet, from either side, and rewrites the history as "^h".
 */
import { describe, expect, test } from 'vitest';
import { ZeekTrack } from '../../../src/tcp/zeek/track.js';
import { summary, zeekLadder } from './zeek-ladder.js';

/** Whether the client (C) is Zeek's originator in the first row. */
function clientIsOrig(r: ReturnType<typeof zeekLadder>, firstFromClient: boolean): boolean {
  return ZeekTrack.origIsA(r.rows[0]!) === firstFromClient;
}

describe('WantConnection: the first packet from a likely server port', () => {
  test.each([
    ['SYN,ACK', 'S>C SYN,ACK ack=1', '^h'],
    ['data', 'S>C PSH,ACK seq=1 ack=1 len=10', '^d'],
    ['pure ACK', 'S>C ACK seq=1 ack=1', '^a'],
    ['FIN', 'S>C FIN,ACK seq=1 ack=1', '^f'],
    ['RST', 'S>C RST seq=1', '^r'],
  ])('%s from port 80 is flipped: the receiver is the originator', (_what, line, history) => {
    const r = zeekLadder(`t=0 ${line}`, { serverPort: 80 });
    expect(r.rows[0]?.history).toBe(history);
    expect(clientIsOrig(r, false)).toBe(true);
  });

  test('a pure SYN is never flipped, even from port 80', () => {
    const r = zeekLadder('t=0 S>C SYN', { serverPort: 80 });
    expect(r.rows[0]?.history).toBe('S');
    expect(clientIsOrig(r, false)).toBe(false);
  });

  test('the same packets from an unlikely port keep the sender as originator', () => {
    const r = zeekLadder('t=0 S>C PSH,ACK seq=1 ack=1 len=10', { serverPort: 50001 });
    expect(r.rows[0]?.history).toBe('D');
    expect(clientIsOrig(r, false)).toBe(false);
  });

  // "Hmmm, both source and destination are plausible. Heuristic: flip only if (1) this isn't a
  // SYN ACK (to avoid confusing stealth scans) and (2) dest port > src port".
  test('both ports likely: data from the lower port is flipped, from the higher not; a SYN-ACK never', () => {
    expect(zeekLadder('t=0 S>C PSH,ACK seq=1 ack=1 len=10', { serverPort: 80, clientPort: 443 }).rows[0]?.history).toBe('^d');
    expect(zeekLadder('t=0 S>C PSH,ACK seq=1 ack=1 len=10', { serverPort: 443, clientPort: 80 }).rows[0]?.history).toBe('D');
    expect(zeekLadder('t=0 S>C SYN,ACK ack=1', { serverPort: 80, clientPort: 443 }).rows[0]?.history).toBe('H');
  });

  test('zeek -b (no likely_server_ports): no flip at the first packet', () => {
    const r = zeekLadder('t=0 S>C PSH,ACK seq=1 ack=1 len=10', { serverPort: 80, cfg: { likelyServerPort: () => false } });
    expect(r.rows[0]?.history).toBe('D');
  });
});

describe('CheckHistory: a history of just "H" flips at the first ACK or data', () => {
  // After the flip the SYN-ACK's sender is a responder in SYN_ACK_SENT; the ACK's sender was
  // INACTIVE and, its peer not being ESTABLISHED, becomes PARTIAL (UpdateInactiveState): OTH.
  test('SYN-ACK first, then the other side ACKs: ^hA, the ACK sender is the originator', () => {
    const r = zeekLadder(`
      t=0 S>C SYN,ACK ack=1
      t=0.1 C>S ACK`);
    expect(summary(r.rows)).toEqual(['OTH ^hA 1/1 end']);
    expect(clientIsOrig(r, false)).toBe(true);
    expect(r.rows[0]?.weirds.map((w) => w.name)).toEqual(['connection_originator_SYN_ack']);
  });

  test('SYN-ACK first, then the same side sends data: it flips too (either side), ^hd', () => {
    const r = zeekLadder(`
      t=0 S>C SYN,ACK ack=1
      t=0.1 S>C PSH,ACK seq=1 ack=1 len=5`);
    expect(r.rows[0]?.history).toBe('^hd');
    expect(clientIsOrig(r, false)).toBe(true);
  });

  test('SYN-ACK then RST: no A or D, no flip (a stealth-scan answer)', () => {
    const r = zeekLadder(`
      t=0 S>C SYN,ACK ack=1
      t=0.1 S>C RST seq=1`);
    expect(r.rows[0]?.history).toBe('HR');
  });

  // UpdateInactiveState: "This is a SYN/SYN-ACK reversal … Flip the endpoints and establish".
  // update_history runs before the state machine, so the 's' comes before the '^' (the btest
  // core/connection_flipped baseline of handshake-reorder.pcap reads Hs^ADadFf).
  test('SYN-ACK seen before its SYN (capture reordering): flipped at the SYN', () => {
    const r = zeekLadder(`
      t=0 S>C SYN,ACK ack=1
      t=0.001 C>S SYN seq=0
      t=0.002 C>S ACK seq=1 ack=1`);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]?.history).toBe('Hs^A');
    expect(clientIsOrig(r, false)).toBe(true);
  });
});

describe('ValidateChecksum: a bad TCP checksum only adds C/c', () => {
  test('a bad-checksum SYN alone is OTH with history C and no packets', () => {
    const r = zeekLadder('t=0 C>S SYN bad');
    expect(summary(r.rows)).toEqual(['OTH C 0/0 end']);
    expect(r.rows[0]?.weirds.map((w) => w.name)).toEqual(['bad_TCP_checksum']);
  });

  test('bad checksums are counted logarithmically (1st and 10th) and per side', () => {
    const lines = ['t=0 C>S SYN', 't=0.1 C<S SYN,ACK', 't=0.2 C>S ACK'];
    for (let i = 0; i < 10; i++) lines.push(`t=${1 + i / 10} C>S PSH,ACK len=1 bad`);
    lines.push('t=3 C<S ACK bad');
    const r = zeekLadder(lines.join('\n'));
    expect(r.rows[0]?.history).toBe('ShACCc');
  });

  test('zeek -C: the same segment is processed', () => {
    const r = zeekLadder('t=0 C>S SYN bad', { cfg: { ignoreChecksums: true } });
    expect(summary(r.rows)).toEqual(['S0 S 1/0 end']);
  });

  test('a segment cut by the snap length is not checked (TCPAnalyzer::ValidateChecksum: caplen >= len)', () => {
    const r = zeekLadder('t=0 C>S SYN bad cut');
    expect(summary(r.rows)).toEqual(['S0 S 1/0 end']);
  });
});
