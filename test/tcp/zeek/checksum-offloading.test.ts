/**
 * Zeek's checksum-offloading warning (src/tcp/zeek/checksum-offloading.ts, after
 * scripts/base/misc/find-checksum-offloading.zeek): more than 5 % of the packets with an invalid
 * TCP checksum, which Zeek's model skipped, and the warning names --zeek-ignore-checksums.
 */
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { collectChunks, PcapWriter } from '../../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../../src/craft/packet-builder.js';
import { TcpFlag } from '../../../src/decode/fields.js';
import { analyzeCapture } from '../../../src/pipeline.js';
import { checksumOffloadingWarning } from '../../../src/tcp/zeek/checksum-offloading.js';

describe('checksumOffloadingWarning', () => {
  test('past 5 % of the packets, not at 5 % (find-checksum-offloading.zeek: pct > 0.05)', () => {
    expect(checksumOffloadingWarning(5, 100, 3)).toBeNull();
    const w = checksumOffloadingWarning(6, 100, 3);
    expect(w?.code).toBe('CHECKSUM_OFFLOADING');
    expect(w?.frame).toBe(3);
    expect(w?.message).toContain('6 of 100 packets (6.0 %, first at frame 3)');
    expect(w?.message).toContain('--zeek-ignore-checksums');
  });

  test('the share as a whole percent, with a decimal only where rounding would say all', () => {
    expect(checksumOffloadingWarning(24, 24, 1)?.message).toContain('24 of 24 packets (100 %,');
    expect(checksumOffloadingWarning(999, 1000, 1)?.message).toContain('(99.9 %,');
    expect(checksumOffloadingWarning(1999, 2000, 1)?.message).toContain('(99.9 %,');
    expect(checksumOffloadingWarning(51, 1000, 1)?.message).toContain('(5.1 %,');
    expect(checksumOffloadingWarning(42, 100, 1)?.message).toContain('(42 %,');
  });

  test('no packets, no warning', () => {
    expect(checksumOffloadingWarning(0, 0, 0)).toBeNull();
  });
});

/**
 * A capture made on the client: its handshake and `exchanges` requests and answers, the client's
 * own frames with the checksum the NIC never filled in (here: its first `badFromClient`).
 */
function offloadedCapture(exchanges: number, badFromClient: number, otherFrames = 0): () => Readable {
  return () => {
    const out = collectChunks();
    const w = new PcapWriter(out.sink, { linkType: 1 });
    let t = 0;
    let bad = 0;
    const send = (client: boolean, flags: number, seq: number, ack: number, payload: number): void => {
      const frame = buildTcpFrame({
        src: client ? '10.0.0.1' : '10.0.0.2',
        dst: client ? '10.0.0.2' : '10.0.0.1',
        sport: client ? 40000 : 80,
        dport: client ? 80 : 40000,
        seq,
        ack,
        flags,
        payload,
      });
      if (client && bad < badFromClient) {
        bad++;
        frame[14 + 20 + 16] = 0; // the TCP checksum field of an Ethernet + IPv4 (20 bytes) frame
        frame[14 + 20 + 17] = 0;
      }
      w.packet(1_700_000_000 + Math.floor(t / 1000), (t % 1000) * 1_000_000, frame);
      t += 10;
    };
    send(true, TcpFlag.SYN, 1000, 0, 0);
    send(false, TcpFlag.SYN | TcpFlag.ACK, 5000, 1001, 0);
    send(true, TcpFlag.ACK, 1001, 5001, 0);
    for (let i = 0; i < exchanges; i++) {
      send(true, TcpFlag.ACK | TcpFlag.PSH, 1001 + 10 * i, 5001 + 10 * i, 10);
      send(false, TcpFlag.ACK | TcpFlag.PSH, 5001 + 10 * i, 1011 + 10 * i, 10);
    }
    // Frames that are not TCP (ARP, EtherType 0x0806): Zeek's share is of every packet received.
    for (let i = 0; i < otherFrames; i++) {
      const arp = new Uint8Array(60);
      arp[12] = 0x08;
      arp[13] = 0x06;
      arp[59] = i;
      w.packet(1_700_000_000 + Math.floor(t / 1000), (t % 1000) * 1_000_000, arp);
      t += 10;
    }
    return Readable.from([out.result()]);
  };
}

async function warningsOf(capture: () => Readable, ignoreChecksums = false): Promise<{ codes: string[]; connState: string; history: string }> {
  const r = await analyzeCapture(capture(), 'offloaded.pcap', { zeekIgnoreChecksums: ignoreChecksums }, { collect: true });
  const zeek = r.connections[0]?.zeek;
  if (zeek === undefined) throw new Error('no connection');
  return { codes: r.warnings.map((w) => w.code), connState: zeek.conn_state, history: zeek.history };
}

describe('a capture made on a host that offloads checksums', () => {
  test('every outgoing segment without its checksum: the warning, and Zeek never saw the SYN', async () => {
    const r = await warningsOf(offloadedCapture(10, Infinity));
    expect(r.codes).toEqual(['CHECKSUM_OFFLOADING']);
    // The client's segments are skipped (history C: TCP_Endpoint::CheckHistory on a checksum error),
    // so Zeek's row is not the established connection that -C shows below.
    expect(r.history.startsWith('C')).toBe(true);
    expect(r.connState).not.toBe('S1');
  });

  test('with --zeek-ignore-checksums (zeek -C) the segments count and nothing is said', async () => {
    const r = await warningsOf(offloadedCapture(10, Infinity), true);
    expect(r.codes).toEqual([]);
    // By hand: SYN, SYN,ACK, ACK, data both ways, no FIN: S h A D d, established (S1).
    expect([r.connState, r.history]).toEqual(['S1', 'ShADd']);
  });

  test('the share is of every packet, TCP or not: 2 bad of 23 TCP packets among 50 (4 %) is no offloading', async () => {
    expect((await warningsOf(offloadedCapture(10, 2))).codes).toEqual(['CHECKSUM_OFFLOADING']);
    expect((await warningsOf(offloadedCapture(10, 2, 27))).codes).toEqual([]);
  });

  test('one bad checksum in 23 packets (4 %) is no offloading: no warning', async () => {
    const r = await warningsOf(offloadedCapture(10, 1));
    expect(r.codes).toEqual([]);
  });
});
