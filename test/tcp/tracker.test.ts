/**
 * The tracker's memory depends on the connections alive at once, not on the file size:
 * closed connections are handed on after 2×MSL of capture time, idle ones after the idle
 * timeout. Port reuse starts a new connection (Wireshark's reused_ports).
 */
import { expect, test } from 'vitest';
import { decodeInto } from '../../src/decode/decoder.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { Tracker } from '../../src/tcp/tracker.js';
import { frameOf } from '../support/tcpdump-hex.js';

const { SYN, ACK, FIN } = TcpFlag;

function feed(tracker: Tracker, t: number, frame: number, sport: number, flags: number, seq: number, ack: number, fromClient: boolean): void {
  const bytes = buildTcpFrame({
    src: fromClient ? '192.0.2.1' : '192.0.2.2',
    dst: fromClient ? '192.0.2.2' : '192.0.2.1',
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
