/**
 * Zeek uids: Zeek's are random; ours are derived from the capture (name and first TCP frame)
 * and the connection, so a re-run gives the same uids and logs of many captures can be merged
 * without two connections sharing one (report/model.ts captureUidSeed, zeekUid).
 */
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { LinkType, TcpFlag } from '../../src/decode/fields.js';
import { captureUidSeed, zeekUid } from '../../src/report/model.js';
import { analyze } from '../support/analyze.js';

/** SYNs from `n` client ports, one per second; `t0` moves the capture in time. */
function synCapture(n: number, t0: number, gap = 1): Readable {
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  for (let i = 0; i < n; i++) {
    w.packet(t0 + i * gap, 0, buildTcpFrame({ src: '192.0.2.1', dst: '192.0.2.2', sport: 40000 + (i % 3), dport: 80, seq: 1000, flags: TcpFlag.SYN }));
  }
  return Readable.from([out.result()]);
}

async function uids(source: Readable, name: string): Promise<string[]> {
  const r = await analyze(source, name);
  return r.connections.flatMap((c) => c.zeekRows.map((z) => z.uid));
}

describe('Zeek uids', () => {
  test('the same capture gives the same uids; another capture (name or contents) other uids', async () => {
    const a = await uids(synCapture(3, 1_700_000_000), 'a.pcap');
    expect(await uids(synCapture(3, 1_700_000_000), 'a.pcap')).toEqual(a);
    const b = await uids(synCapture(3, 1_700_000_000), 'b.pcap');
    const c = await uids(synCapture(3, 1_700_000_500), 'a.pcap');
    expect(new Set([...a, ...b, ...c]).size).toBe(9);
  });

  test("rows of one connection split by Zeek's timers have their own uids", async () => {
    // The same SYN every 7 s on three ports: the attempt timer (5 s) ends each row.
    const all = await uids(synCapture(9, 1_700_000_000, 7), 'split.pcap');
    expect(all).toHaveLength(9);
    expect(new Set(all).size).toBe(9);
  });

  test('within a capture uids are unique by construction: fixed-width id, then the row', () => {
    const seen = new Set<string>();
    for (let id = 1; id <= 200; id++) for (let row = 0; row < 70; row++) seen.add(zeekUid(id, row, 'SEED00000'));
    expect(seen.size).toBe(200 * 70);
    expect(zeekUid(1, 0, 'SEED00000')).toMatch(/^CSEED00000\w{6}$/);
    expect(captureUidSeed('x', 1, 2, new Uint8Array([1, 2, 3]))).toMatch(/^[0-9A-Za-z]{9}$/);
  });
});
