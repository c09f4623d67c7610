/**
 * listen-queue-overflow (capture-scoped): valid and invalid captures crafted with our writer,
 * each asserting id, side, frame, frames and the counts in the detail. The Linux behaviour each
 * case imitates is in the rule's header (tcp_conn_request, tcp_check_req); the recorded
 * samples/listen-backlog*.pcap check it against the kernel itself (samples.test.ts).
 */
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { describeRule } from './describe-rule.js';
import type { Finding } from '../../../src/analysis/anomaly.js';
import { collectChunks, PcapWriter } from '../../../src/craft/capture-writer.js';
import { Conversation, type CraftedPacket } from '../../../samples/conversation.js';
import { analyze } from '../../support/analyze.js';

type Build = (out: CraftedPacket[], clock: { t: number }) => void;

async function findings(build: Build): Promise<Finding[]> {
  const packets: CraftedPacket[] = [];
  build(packets, { t: 1_700_000_000 });
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: 1 });
  for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
  const r = await analyze(Readable.from([out.result()]));
  return r.anomalies.filter((a) => a.id === 'listen-queue-overflow');
}

const server = { ip: '203.0.113.80', port: 8080 };
const conv = (out: CraftedPacket[], clock: { t: number }, port: number, s = server) => new Conversation(out, clock, { ip: '198.51.100.7', port, isn: port * 7919 }, { ...s, isn: port * 104729 });

/** A handshake that completes (frames: SYN, SYN,ACK, ACK). */
function completes(c: Conversation): void {
  c.send('C', 'SYN');
  c.send('S', 'SYN,ACK');
  c.send('C', 'ACK');
}

/** SYNs at 0, 1, 3 s (Linux's 1 s initial RTO, doubling) that nothing answers. */
function dropped(c: Conversation, dt = 0.001): void {
  c.send('C', 'SYN', { dt });
  c.send('C', 'SYN', { dt: 1, relSeq: 0 });
  c.send('C', 'SYN', { dt: 2, relSeq: 0 });
}

const show = (f: Finding) => `${f.id}@${f.side}@${f.frame}`;

describeRule('listen-queue-overflow', (held) => {
  describe('valid', () => {
    test('every handshake completes', async () => {
      expect(await findings((out, clock) => [1, 2, 3].forEach((p) => completes(conv(out, clock, 40000 + p))))).toEqual([]);
      held.valid();
    });
    test('SYNs to a port that never answers anyone (filtered, down): unanswered-syn, not a full queue', async () => {
      expect(await findings((out, clock) => [1, 2].forEach((p) => dropped(conv(out, clock, 40000 + p))))).toEqual([]);
      held.valid();
    });
    test('a dropped SYN to one port while another port completes', async () => {
      expect(
        await findings((out, clock) => {
          completes(conv(out, clock, 40001, { ip: server.ip, port: 9090 }));
          dropped(conv(out, clock, 40002));
        }),
      ).toEqual([]);
      held.valid();
    });
    test('a dropped SYN a minute away from the completed handshakes', async () => {
      expect(
        await findings((out, clock) => {
          completes(conv(out, clock, 40001));
          dropped(conv(out, clock, 40002), 60);
        }),
      ).toEqual([]);
      held.valid();
    });
    test('a SYN,ACK resent because the client never acknowledged it (no ACK captured): not the accept queue', async () => {
      expect(
        await findings((out, clock) => {
          const c = conv(out, clock, 40001);
          c.send('C', 'SYN');
          c.send('S', 'SYN,ACK');
          c.send('S', 'SYN,ACK', { dt: 1, relSeq: 0 });
        }),
      ).toEqual([]);
      held.valid();
    });
  });

  describe('invalid', () => {
    test('SYNs dropped while others complete: two connections complete, the third gets nothing back', async () => {
      const f = await findings((out, clock) => {
        completes(conv(out, clock, 40001)); // frames 1-3
        completes(conv(out, clock, 40002)); // frames 4-6
        dropped(conv(out, clock, 40003)); // frames 7-9
      });
      expect(f.map(show)).toEqual(['listen-queue-overflow@server@7']);
      expect(f[0]?.frames).toEqual([7]);
      expect(f[0]?.detail).toBe('203.0.113.80:8080: SYNs dropped while others complete: 1 connection got nothing back over 3.000 s while 2 handshakes to it completed');
      held.invalid();
    });
    test('final ACK ignored: the server resends its SYN,ACK after the client\'s ACK', async () => {
      const f = await findings((out, clock) => {
        completes(conv(out, clock, 40001)); // 1-3
        const c = conv(out, clock, 40002);
        c.send('C', 'SYN'); // 4
        c.send('S', 'SYN,ACK'); // 5
        c.send('C', 'ACK'); // 6
        c.send('S', 'SYN,ACK', { dt: 1, relSeq: 0 }); // 7: the ACK of frame 6 was dropped
        c.send('C', 'ACK'); // 8
        c.send('S', 'SYN,ACK', { dt: 2, relSeq: 0 }); // 9
      });
      expect(f.map(show)).toEqual(['listen-queue-overflow@server@7']);
      expect(f[0]?.detail).toBe('203.0.113.80:8080: final ACK ignored and SYN,ACK resent (accept queue full): 1 connection over 0.000 s');
      held.invalid();
    });
    test('final ACK answered with RST (tcp_abort_on_overflow), two connections 0.5 s apart', async () => {
      const f = await findings((out, clock) => {
        for (const [p, dt] of [[40001, 0.001], [40002, 0.5]] as const) {
          const c = conv(out, clock, p);
          c.send('C', 'SYN', { dt }); // 1, 4
          c.send('S', 'SYN,ACK'); // 2, 5
          c.send('C', 'ACK'); // 3, 6
          c.send('S', 'RST', { relSeq: 1 }); // 4, 8
        }
      });
      // frames: 1 SYN, 2 SYN,ACK, 3 ACK, 4 RST; 5 SYN (0.5 s later), 6 SYN,ACK, 7 ACK, 8 RST: SYNs at 0.001 and 0.504
      expect(f.map(show)).toEqual(['listen-queue-overflow@server@4']);
      expect(f[0]?.frames).toEqual([4, 8]);
      expect(f[0]?.detail).toBe('203.0.113.80:8080: final ACK answered with RST (tcp_abort_on_overflow): 2 connections over 0.503 s');
      held.invalid();
    });
  });
});
