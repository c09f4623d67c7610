/**
 * inconsistent-retransmission: resent bytes that differ from the first copy (Zeek's
 * rexmit_inconsistency, TCP_Reassembler::Overlap; Suricata's
 * stream.reassembly_overlap_different_data). The captures are written by our own writer.
 */
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { describeRule } from './describe-rule.js';
import { escape } from '../../../src/analysis/rules/inconsistent-retransmission.js';
import { collectChunks, PcapWriter } from '../../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../../src/craft/packet-builder.js';
import { LinkType, TcpFlag } from '../../../src/decode/fields.js';
import type { Finding } from '../../../src/analysis/anomaly.js';
import { analyze } from '../../support/analyze.js';
import { corpusPath, HAVE_CORPUS } from '../../support/corpus.js';

const { SYN, ACK, PSH, FIN } = TcpFlag;
const C = { ip: '10.1.0.1', port: 40000, isn: 0xffffd8ef };
const S = { ip: '10.1.0.2', port: 80, isn: 0xfffffff0 };

interface Line {
  t: number;
  from: 'C' | 'S';
  flags: number;
  /** Relative sequence and acknowledgment numbers. */
  seq: number;
  ack: number;
  payload?: string | Uint8Array;
}

/** A capture of one conversation, each line one frame. */
function capture(lines: Line[]): Readable {
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  for (const l of lines) {
    const [a, b] = l.from === 'C' ? [C, S] : [S, C];
    const payload = typeof l.payload === 'string' ? Buffer.from(l.payload, 'latin1') : l.payload;
    const frame = buildTcpFrame({
      src: a.ip,
      dst: b.ip,
      sport: a.port,
      dport: b.port,
      seq: (a.isn + l.seq) >>> 0,
      ack: (l.flags & ACK) !== 0 ? (b.isn + l.ack) >>> 0 : 0,
      flags: l.flags,
      ...(payload ? { payload } : {}),
    });
    const sec = Math.floor(1_700_000_000 + l.t);
    w.packet(sec, Math.round((1_700_000_000 + l.t - sec) * 1e9), frame);
  }
  return Readable.from([out.result()]);
}

const HANDSHAKE: Line[] = [
  { t: 0, from: 'C', flags: SYN, seq: 0, ack: 0 },
  { t: 0.01, from: 'S', flags: SYN | ACK, seq: 0, ack: 1 },
  { t: 0.02, from: 'C', flags: ACK, seq: 1, ack: 1 },
];
const GET = 'GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n';

async function findings(lines: Line[]): Promise<Finding[]> {
  const r = await analyze(capture(lines), 'crafted');
  return r.connections.flatMap((c) => c.anomalies.filter((a) => a.id === 'inconsistent-retransmission'));
}

describeRule('inconsistent-retransmission', (held) => {
  test('quantum insert: a forged response races the real one at the same sequence number', async () => {
    const forged = 'HTTP/1.1 302 Found\r\nLocation: http://203.0.113.66/x\r\n\r\n';
    const real = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello.....................';
    const f = await findings([
      ...HANDSHAKE,
      { t: 0.03, from: 'C', flags: ACK | PSH, seq: 1, ack: 1, payload: GET },
      { t: 0.031, from: 'S', flags: ACK | PSH, seq: 1, ack: 1 + GET.length, payload: forged },
      { t: 0.04, from: 'S', flags: ACK | PSH, seq: 1, ack: 1 + GET.length, payload: real },
      { t: 0.05, from: 'C', flags: ACK, seq: 1 + GET.length, ack: 1 + forged.length },
    ]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'error', side: 'server', frame: 6, frames: [5, 6] });
    expect(f[0]?.detail).toBe(
      `the server resent ${forged.length} bytes first sent in frame 5 with different content, from byte 9 of them on: ` +
        'frame 5 "302 Found\\x0d\\x0aLocat", frame 6 "200 OK\\x0d\\x0aContent-"',
    );
    held.invalid();
  });

  test('no finding: an ordinary retransmission with the same bytes', async () => {
    expect(
      await findings([
        ...HANDSHAKE,
        { t: 0.03, from: 'C', flags: ACK | PSH, seq: 1, ack: 1, payload: GET },
        { t: 0.25, from: 'C', flags: ACK | PSH, seq: 1, ack: 1, payload: GET },
      ]),
    ).toEqual([]);
    held.valid();
  });

  test('no finding: a keep-alive whose one byte is garbage (seq = next − 1)', async () => {
    expect(
      await findings([
        ...HANDSHAKE,
        { t: 0.03, from: 'C', flags: ACK | PSH, seq: 1, ack: 1, payload: GET },
        { t: 60, from: 'C', flags: ACK, seq: GET.length, ack: 1, payload: new Uint8Array([0]) },
      ]),
    ).toEqual([]);
    held.valid();
  });

  test('no finding: segments trimmed and re-sent with other boundaries but the same bytes', async () => {
    const data = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    expect(
      await findings([
        ...HANDSHAKE,
        { t: 0.03, from: 'C', flags: ACK, seq: 1, ack: 1, payload: data.slice(0, 20) },
        { t: 0.031, from: 'C', flags: ACK, seq: 21, ack: 1, payload: data.slice(20, 40) },
        { t: 0.2, from: 'C', flags: ACK | PSH, seq: 11, ack: 1, payload: data.slice(10, 62) },
        { t: 0.3, from: 'C', flags: FIN | ACK, seq: 63, ack: 1 },
      ]),
    ).toEqual([]);
    held.valid();
  });

  test('a re-sent segment that overlaps two earlier ones and changes the second one', async () => {
    const f = await findings([
      ...HANDSHAKE,
      { t: 0.03, from: 'C', flags: ACK, seq: 1, ack: 1, payload: 'aaaaaaaaaa' },
      { t: 0.031, from: 'C', flags: ACK, seq: 11, ack: 1, payload: 'bbbbbbbbbb' },
      { t: 0.2, from: 'C', flags: ACK, seq: 6, ack: 1, payload: 'aaaaaXbbbb' },
    ]);
    expect(f.map((x) => [x.frame, x.frames])).toEqual([[6, [5, 6]]]);
    held.invalid();
  });

  // The ring of remembered bytes starts small and grows with the direction's payload (256, 512,
  // 1024, 2048 bytes): every byte must still be where the comparison looks for it after a growth.
  const text = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((from + i) % 26))).join('');
  const changed = (t: string, at: number): string => `${t.slice(0, at)}#${t.slice(at + 1)}`;

  test('a change found in bytes written before the ring grew twice', async () => {
    const lines: Line[] = [
      ...HANDSHAKE,
      { t: 0.03, from: 'C', flags: ACK, seq: 1, ack: 1, payload: text(200) },
      { t: 0.031, from: 'C', flags: ACK, seq: 201, ack: 1, payload: text(300, 200) },
      { t: 0.032, from: 'C', flags: ACK, seq: 501, ack: 1, payload: text(600, 500) },
    ];
    expect(await findings([...lines, { t: 0.2, from: 'C', flags: ACK, seq: 1, ack: 1, payload: text(200) }])).toEqual([]);
    const f = await findings([...lines, { t: 0.2, from: 'C', flags: ACK, seq: 1, ack: 1, payload: changed(text(200), 150) }]);
    expect(f.map((x) => [x.frame, x.frames])).toEqual([[7, [4, 7]]]);
    expect(f[0]?.detail).toContain('from byte 150 of them on');
    // and in the bytes of the segment that made it grow, across the old ring's end
    const g = await findings([...lines, { t: 0.2, from: 'C', flags: ACK, seq: 201, ack: 1, payload: changed(text(300, 200), 100) }]);
    expect(g.map((x) => [x.frame, x.frames])).toEqual([[7, [5, 7]]]);
    held.invalid();
  });

  test('a first segment larger than the first ring, resent changed', async () => {
    const big = text(1400);
    const f = await findings([...HANDSHAKE, { t: 0.03, from: 'C', flags: ACK, seq: 1, ack: 1, payload: big }, { t: 0.2, from: 'C', flags: ACK, seq: 1, ack: 1, payload: changed(big, 1300) }]);
    expect(f.map((x) => [x.frame, x.frames])).toEqual([[5, [4, 5]]]);
    expect(f[0]?.detail).toContain('from byte 1300 of them on');
    held.invalid();
  });

  test('past 2,048 bytes only the last 2,048 are compared', async () => {
    const lines: Line[] = [...HANDSHAKE];
    for (let k = 0; k < 3; k++) lines.push({ t: 0.03 + k / 1000, from: 'C', flags: ACK, seq: 1 + 1000 * k, ack: 1, payload: text(1000, 1000 * k) });
    // Bytes 0-951 of the first segment are out of the window: a change there is not seen.
    expect(await findings([...lines, { t: 0.2, from: 'C', flags: ACK, seq: 1, ack: 1, payload: changed(text(1000), 900) }])).toEqual([]);
    // Byte 960 of the first segment is within the last 2,048 (sequence 961 ≥ 3001 − 2048).
    const f = await findings([...lines, { t: 0.2, from: 'C', flags: ACK, seq: 1, ack: 1, payload: changed(text(1000), 960) }]);
    expect(f.map((x) => x.frames)).toEqual([[4, 7]]);
    held.invalid();
  });

  test('escape: printable ASCII as is, the rest as \\xNN', () => {
    expect(escape(new Uint8Array([0x41, 0x0d, 0x0a, 0x22, 0x5c, 0xff]))).toBe('A\\x0d\\x0a\\"\\\\\\xff');
  });
});

describe.skipIf(!HAVE_CORPUS)('inconsistent-retransmission on the corpus', () => {
  // Zeek's baseline (btest core/reassembly) raises rexmit_inconsistency on reassembly.pcap; the
  // Suricata test eve-overlap-payload-01 sends GOOD then EVIL at one sequence number.
  test.each([
    ['zeek/tcp/reassembly.pcap', true],
    ['suricata-verify/eve-overlap-payload-01/tcp-overlap.pcap', true],
    ['zeek/tcp/ssh-dups.pcap', false],
    ['zeek/wikipedia.pcap', false],
  ] as const)('%s: flagged %s', async (file, flagged) => {
    const r = await analyze(corpusPath(file), file);
    const n = r.connections.flatMap((c) => c.anomalies).filter((a) => a.id === 'inconsistent-retransmission').length;
    expect(n > 0).toBe(flagged);
  });
});
