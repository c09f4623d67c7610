/**
 * Content gaps: bytes the receiver acknowledged that the monitor never saw. Zeek's reassembler
 * reports them when an ACK trims past data it does not have (zeek/zeek src/Reassem.cc
 * DataBlockList::Trim → TCP_Reassembler::Undelivered → TCP_Reassembler::Gap); conn.log adds
 * their lengths to missed_bytes (base/protocols/conn/main.zeek, event content_gap) and the
 * history gets G/g on the 1st, 10th, 100th … gap (TCP_Endpoint::Gap, ScaledHistoryEntry).
 */
import { describe, expect, test } from 'vitest';
import { ContentGaps, MAX_RANGES } from '../../../src/tcp/zeek/gaps.js';
import { summary, zeekLadder } from './zeek-ladder.js';

const HANDSHAKE = `
  t=0 C>S SYN
  t=0.1 C<S SYN,ACK
  t=0.2 C>S ACK`;

describe('Undelivered → Gap: acknowledged but never seen', () => {
  test('a hole of 100 bytes acknowledged: missed_bytes 100 and G', () => {
    const { rows } = zeekLadder(`${HANDSHAKE}
      t=1 C>S PSH,ACK seq=1 len=100
      t=1.1 C>S PSH,ACK seq=201 len=100
      t=1.2 C<S ACK ack=301`);
    expect(summary(rows)).toEqual(['S1 ShADaG 4/2 end']);
    expect(rows[0]?.missedBytes).toBe(100);
  });

  test('no gap when the data arrived out of order but whole', () => {
    const { rows } = zeekLadder(`${HANDSHAKE}
      t=1 C>S PSH,ACK seq=101 len=100
      t=1.1 C>S PSH,ACK seq=1 len=100
      t=1.2 C<S ACK ack=201`);
    expect(rows[0]?.missedBytes).toBe(0);
    // update_last_seq: the earlier segment does not advance last_seq, so Zeek counts it as a
    // retransmission (T) — but the reassembler has both blocks: no gap.
    expect(rows[0]?.history).toBe('ShADTa');
  });

  test('the responder\'s gaps are g', () => {
    const { rows } = zeekLadder(`${HANDSHAKE}
      t=1 C<S PSH,ACK seq=51 len=50
      t=1.1 C>S ACK ack=101`);
    expect(rows[0]?.history).toBe('ShAdg');
    expect(rows[0]?.missedBytes).toBe(50);
  });

  test('a payload cut by the snap length is missing too (truncated_tcp_payload)', () => {
    const { rows } = zeekLadder(`${HANDSHAKE}
      t=1 C>S PSH,ACK seq=1 len=100 cut
      t=1.1 C<S ACK ack=101`);
    expect(rows[0]?.missedBytes).toBe(100);
    expect(rows[0]?.weirds.map((w) => w.name)).toEqual(['truncated_tcp_payload']);
  });
});

describe('TCP_Reassembler::AckReceived: ACKs capped at FIN − 1', () => {
  test('the ACK of a FIN does not count the FIN as a missing byte', () => {
    const { rows } = zeekLadder(`${HANDSHAKE}
      t=1 C>S PSH,ACK seq=1 len=100
      t=1.1 C>S FIN,ACK seq=101
      t=1.2 C<S ACK ack=102`);
    expect(rows[0]?.missedBytes).toBe(0);
    expect(rows[0]?.history).toBe('ShADFa');
  });
});

describe('only while both are established or cleanly closing (TCP_Reassembler.cc is_clean)', () => {
  const PARTIAL = `
    t=0 C>S PSH,ACK seq=1 ack=1 len=100
    t=0.1 C>S PSH,ACK seq=201 ack=1 len=100
    t=0.2 C<S ACK seq=1 ack=301`;

  test('a partial connection (no SYN): no G and no missed_bytes', () => {
    const { rows } = zeekLadder(PARTIAL);
    expect(rows[0]?.history).toBe('Da');
    expect(rows[0]?.missedBytes).toBe(0);
  });

  test('report_gaps_for_partial = T counts the bytes, still no G', () => {
    const { rows } = zeekLadder(PARTIAL, { cfg: { reportGapsForPartial: true } });
    expect(rows[0]?.history).toBe('Da');
    expect(rows[0]?.missedBytes).toBe(100);
  });

  // TCP_Reassembler::Undelivered: "Since it was a partial connection, we faked up its initial
  // sequence numbers as though we'd seen a SYN … the first packet we saw instantiating the
  // partial connection was a keep-alive. So, in either case, just ignore it."
  test('partial: an ACK one byte past the first segment seen (a keep-alive) is no gap', () => {
    const { rows } = zeekLadder(`
      t=0 C>S ACK seq=1 ack=1
      t=0.1 C<S ACK seq=1 ack=2`, { cfg: { reportGapsForPartial: true } });
    expect(rows[0]?.missedBytes).toBe(0);
  });
});

describe('history G on the 1st, 10th, 100th gap (Session::ScaledHistoryEntry)', () => {
  test('ten gaps give two G', () => {
    const lines = [HANDSHAKE];
    for (let i = 0; i < 10; i++) {
      const seq = 1 + i * 200;
      lines.push(`t=${1 + i / 10} C>S PSH,ACK seq=${seq + 100} len=100`);
      lines.push(`t=${1.05 + i / 10} C<S ACK ack=${seq + 200}`);
    }
    const { rows } = zeekLadder(lines.join('\n'));
    expect(rows[0]?.history).toBe('ShADaGG');
    expect(rows[0]?.missedBytes).toBe(1000);
  });
});

describe('ContentGaps: ranges, not bytes, and bounded', () => {
  test('touching blocks merge; a block over last_reassem_seq delivers the contiguous run', () => {
    const g = new ContentGaps();
    g.newBlock(101, 100);
    expect(g.lastReassemSeq).toBe(1);
    g.newBlock(1, 100);
    expect(g.lastReassemSeq).toBe(201);
    expect(g.dataSize()).toBe(200);
  });

  test(`past ${MAX_RANGES} disjoint ranges a new hole is refused (the session then stops, as for excessive data)`, () => {
    const g = new ContentGaps();
    for (let i = 0; i < MAX_RANGES; i++) expect(g.newBlock(10 + i * 10, 5)).toBe(true);
    expect(g.newBlock(10 + MAX_RANGES * 10, 5)).toBe(false);
    expect(g.rangeLimitHit).toBe(true);
    // a block that only extends an existing range is still taken
    expect(g.newBlock(15, 2)).toBe(true);
  });
});
