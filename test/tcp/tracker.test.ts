/**
 * The tracker's memory depends on the connections alive at once, not on the file size:
 * closed connections are handed on after 2×MSL of capture time, idle ones after the idle
 * timeout. Past maxConnections held at once, finished and never-synchronized connections are
 * handed on early, oldest first; synchronized ones never are. Port reuse starts a new
 * connection (Wireshark's reused_ports).
 */
import { expect, test } from 'vitest';
import { decodeInto } from '../../src/decode/decoder.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { Tracker } from '../../src/tcp/tracker.js';
import { frameOf } from '../support/tcpdump-hex.js';

const { SYN, ACK, FIN } = TcpFlag;

function feed(tracker: Tracker, t: number, frame: number, sport: number, flags: number, seq: number, ack: number, fromClient: boolean, client = '192.0.2.1'): void {
  const bytes = buildTcpFrame({
    src: fromClient ? client : '192.0.2.2',
    dst: fromClient ? '192.0.2.2' : client,
    sport: fromClient ? sport : 80,
    dport: fromClient ? 80 : sport,
    seq,
    ack,
    flags,
  });
  const p = new DecodedPacket();
  decodeInto(frameOf(bytes, 1), p);
  tracker.onPacket(p, frame, Math.floor(t), Math.round((t % 1) * 1e9));
}

test('10 000 short connections, one a second: never more than a handful alive at once', () => {
  let ended = 0;
  let peak = 0;
  const tracker = new Tracker({ lingerTimeout: 60, onEnd: () => ended++ });
  let frame = 0;
  for (let i = 0; i < 10_000; i++) {
    const t = 1_700_000_000 + i;
    const sport = 1024 + (i % 60000);
    feed(tracker, t, ++frame, sport, SYN, 100, 0, true);
    feed(tracker, t, ++frame, sport, SYN | ACK, 500, 101, false);
    feed(tracker, t, ++frame, sport, ACK, 101, 501, true);
    feed(tracker, t, ++frame, sport, FIN | ACK, 101, 501, true);
    feed(tracker, t, ++frame, sport, FIN | ACK, 501, 102, false);
    feed(tracker, t, ++frame, sport, ACK, 102, 502, true);
    peak = Math.max(peak, tracker.liveCount);
  }
  tracker.finish();
  expect(ended).toBe(10_000);
  expect(peak).toBeLessThanOrEqual(80);
});

test('a pure SYN with a new ISN on a closed four-tuple starts a new connection; a retransmitted SYN does not', () => {
  const ids: number[] = [];
  const tracker = new Tracker({ onEnd: (c) => ids.push(c.id) });
  const t = 1_700_000_000;
  feed(tracker, t, 1, 5000, SYN, 100, 0, true);
  feed(tracker, t + 1, 2, 5000, SYN, 100, 0, true);
  feed(tracker, t + 2, 3, 5000, SYN, 9000, 0, true);
  tracker.finish();
  expect(ids).toEqual([1, 2]);
});

test('a flood past maxConnections: refused and unanswered attempts go early, oldest first; established connections stay', () => {
  const ended: { id: number; state: string; live: number }[] = [];
  const tracker = new Tracker({ maxConnections: 100, onEnd: (c) => ended.push({ id: c.id, state: `${c.a.state}/${c.b.state}`, live: tracker.liveCount }) });
  const t = 1_700_000_000;
  let frame = 0;
  // 30 established connections first (ids 1-30): they must survive the flood.
  for (let i = 0; i < 30; i++) {
    feed(tracker, t, ++frame, 20000 + i, SYN, 100, 0, true);
    feed(tracker, t, ++frame, 20000 + i, SYN | ACK, 500, 101, false);
    feed(tracker, t, ++frame, 20000 + i, ACK, 101, 501, true);
  }
  // Then 1000 SYNs from distinct sources within a second: half refused by RST, half unanswered.
  let peak = 0;
  for (let i = 0; i < 1000; i++) {
    const src = `10.0.${i >> 8}.${i & 255}`;
    const at = t + 1 + i / 1000;
    feed(tracker, at, ++frame, 40000, SYN, 1000 + i, 0, true, src);
    if (i % 2 === 0) feed(tracker, at, ++frame, 40000, TcpFlag.RST | ACK, 0, 1001 + i, false, src);
    peak = Math.max(peak, tracker.liveCount);
  }
  expect(peak).toBeLessThanOrEqual(101);
  expect(ended.every((e) => e.id > 30)).toBe(true);
  // Finished (refused) ones go before unanswered ones, and each kind oldest first.
  const first = ended.slice(0, 5).map((e) => e.state);
  expect(first.every((s) => s === 'CLOSED/CLOSED')).toBe(true);
  expect(tracker.earlyHandOn.finished).toBeGreaterThan(400);
  expect(tracker.earlyHandOn.unsynchronized).toBeGreaterThan(0);
  // The 101st connection is flood attempt 70: after 90 handshake frames and 70 attempts (35 of 2 frames, 35 of 1).
  expect(tracker.earlyHandOn.firstFrame).toBe(90 + 35 * 2 + 35 + 1);
  const ids = ended.map((e) => e.id);
  const refusedIds = ended.filter((e) => e.state === 'CLOSED/CLOSED').map((e) => e.id);
  expect(refusedIds).toEqual([...refusedIds].sort((x, y) => x - y));
  expect(new Set(ids).size).toBe(ids.length);
  tracker.finish();
  expect(ended.filter((e) => e.id <= 30)).toHaveLength(30);
});

test('below maxConnections nothing is handed on early', () => {
  const tracker = new Tracker({ maxConnections: 1000 });
  for (let i = 0; i < 500; i++) feed(tracker, 1_700_000_000 + i / 1000, i + 1, 40000, SYN, i, 0, true, `10.1.${i >> 8}.${i & 255}`);
  expect(tracker.liveCount).toBe(500);
  expect(tracker.earlyHandOn).toEqual({ finished: 0, unsynchronized: 0, firstFrame: 0 });
});

test("at the end of the capture every connection is handed on in order of first frame, Zeek's timers dropped first", () => {
  const order: number[] = [];
  // No packet comes to fire the timers, and a queued timer would keep its session (and its
  // endpoints) alive while the other connections' records are made.
  const timersLeft: number[] = [];
  const tracker: Tracker = new Tracker({
    onEnd: (c) => {
      order.push(c.id);
      timersLeft.push(tracker.zeekTimers.size);
    },
  });
  const t = 1_700_000_000;
  for (let i = 0; i < 50; i++) feed(tracker, t + i / 100, i + 1, 2000 + ((i * 37) % 50), SYN, 100, 0, true);
  expect(tracker.zeekTimers.size).toBeGreaterThan(0);
  tracker.finish();
  expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(timersLeft).toEqual(Array.from({ length: 50 }, () => 0));
  expect(tracker.liveCount).toBe(0);
});
