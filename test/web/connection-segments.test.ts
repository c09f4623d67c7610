/**
 * The viewer draws a ladder from one connection's frames, read again by decoding alone
 * (web/connection-segments.ts). They must be exactly the segments the engine itself kept
 * for that connection while it analysed the capture: same frames, sides and relative numbers,
 * also with VLANs, IPv6, interleaved connections and a reused four-tuple.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { analyzeCapture, type SegmentRecord } from '../../src/pipeline.js';
import { connectionSegments } from '../../src/web/connection-segments.js';
import type { ConnectionRecord } from '../../src/report/model.js';
import { Conversation, type CraftedPacket } from '../../samples/conversation.js';

async function engineSegments(path: string): Promise<{ record: ConnectionRecord; segments: SegmentRecord[] }[]> {
  const out: { record: ConnectionRecord; segments: SegmentRecord[] }[] = [];
  await analyzeCapture(path, path, {}, { collect: false, keepSegmentsOf: { has: () => true } as unknown as ReadonlySet<number>, onConnection: (record, segments) => out.push({ record, segments: segments ?? [] }) });
  return out;
}

test('the bench mix: every connection re-read equals what the engine kept', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-segs-')), 'mix.pcap');
  generateBenchCapture(path, 1e6);
  const all = await engineSegments(path);
  expect(all.length).toBeGreaterThan(50);
  for (const { record, segments } of all) {
    const again = await connectionSegments(path, path, record);
    expect(again.truncated).toBe(false);
    expect(again.segments, `connection ${record.id}`).toEqual(segments);
  }
});

test('a four-tuple used twice: each connection gets only its own frames', async () => {
  const packets: CraftedPacket[] = [];
  const clock = { t: 1_700_000_000 };
  const server = { ip: '192.0.2.80', port: 80 };
  const first = new Conversation(packets, clock, { ip: '198.51.100.1', port: 40000, isn: 1000 }, { ...server, isn: 5000 });
  first.handshake(0.001);
  first.send('C', 'RST,ACK', { dt: 0.01 });
  const second = new Conversation(packets, clock, { ip: '198.51.100.1', port: 40000, isn: 90000 }, { ...server, isn: 7000 });
  second.handshake(0.001);
  second.send('S', 'FIN,ACK', { dt: 0.01 });
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: 1 });
  for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-segs-')), 'reuse.pcap');
  writeFileSync(path, out.result());
  const all = await engineSegments(path);
  expect(all.map((c) => c.segments.map((s) => s.frame))).toEqual([
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
  for (const { record, segments } of all) expect((await connectionSegments(path, path, record)).segments).toEqual(segments);
});
