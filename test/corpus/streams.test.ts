/**
 * Connections equal tshark's conversations: on every corpus capture the frames tshark puts in one
 * tcp.stream are exactly the frames tcplens puts in one connection (port reuse included), and
 * each connection's Wireshark completeness equals tshark's tcp.completeness for that stream.
 */
import { describe, expect, test } from 'vitest';
import { decodeCapture } from '../../src/pipeline.js';
import { Tracker } from '../../src/tcp/tracker.js';
import { HAVE_CORPUS, SKIP_MESSAGE, corpusPath, manifest, readTsv } from '../support/corpus.js';

/**
 * tshark -2 prints each frame's tcp.completeness as it stands *before* the second pass adds
 * that frame again, this time as a packet of an existing conversation (packet-tcp.c adds the
 * field before updating it). So the OR of the printed values is: the first pass's final value
 * (what tcplens reports) plus, for every frame but the last, what it adds when not new.
 */
function secondPassAdds(rows: Record<string, string>[]): number {
  let bits = 0;
  for (const r of rows.slice(0, -1)) {
    const f = Number.parseInt(r['tcp.flags'] ?? '0', 16);
    const len = Number(r['tcp.len'] || 0);
    if ((f & 0x12) === 0x12) bits |= 2;
    if ((f & 0x12) === 0x10) bits |= len > 0 ? 8 : 4;
    if ((f & 0x11) === 0x11) bits |= 16;
    if (f & 0x04) bits |= 32;
  }
  return bits;
}

async function streamsOf(file: string): Promise<{ byFrame: Map<number, number>; completeness: Map<number, number> }> {
  const byFrame = new Map<number, number>();
  const completeness = new Map<number, number>();
  const tracker = new Tracker({
    onEnd(conn) {
      completeness.set(conn.id, conn.completeness);
    },
  });
  await decodeCapture(corpusPath(file), {
    onPacket(frame, p) {
      if (!p.hasTcp) return;
      byFrame.set(frame.frame, tracker.onPacket(p, frame.frame, frame.tsSec, frame.tsNsec).id);
    },
  });
  tracker.finish();
  return { byFrame, completeness };
}

const entries = manifest().filter((e) => e.tcp_streams > 0);

if (!HAVE_CORPUS) {
  describe.skip(SKIP_MESSAGE, () => test('streams', () => {}));
} else {
  describe('connections equal tshark tcp.stream values', () => {
    test.each(entries.map((e) => [e.file, e] as const))('%s', async (file, entry) => {
      const rows = readTsv(file, 'tshark-tcp.tsv');
      const { byFrame, completeness } = await streamsOf(file);
      const streamToConn = new Map<number, number>();
      const connToStream = new Map<number, number>();
      const tsharkCompleteness = new Map<number, number>();
      for (const r of rows) {
        const frame = Number(r['frame.number']);
        const stream = Number(r['tcp.stream']);
        tsharkCompleteness.set(stream, (tsharkCompleteness.get(stream) ?? 0) | Number(r['tcp.completeness'] || 0));
        const conn = byFrame.get(frame);
        if (conn === undefined) continue; // a TCP header tshark read and we did not (see frames.test.ts)
        expect(streamToConn.get(stream) ?? conn, `frame ${frame}: stream ${stream} spans connections`).toBe(conn);
        expect(connToStream.get(conn) ?? stream, `frame ${frame}: connection ${conn} spans streams`).toBe(stream);
        streamToConn.set(stream, conn);
        connToStream.set(conn, stream);
      }
      expect(new Set(byFrame.values()).size, 'connections').toBe(streamToConn.size);
      expect(streamToConn.size, 'tshark streams (manifest)').toBe(entry.tcp_streams - (file === 'tcpdump/tcp_header_heapoverflow.pcap' ? 1 : 0));
      for (const [stream, conn] of streamToConn) {
        const rowsOf = rows.filter((r) => Number(r['tcp.stream']) === stream);
        expect((completeness.get(conn) ?? 0) | secondPassAdds(rowsOf), `stream ${stream} completeness`).toBe(tsharkCompleteness.get(stream));
      }
    });
  });
}
