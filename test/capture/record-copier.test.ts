/**
 * `tcplens slice`'s second pass (pipeline.ts copyFrames over capture/record-copier.ts): the
 * output is the input's file-level records and exactly the chosen packet records, byte for
 * byte. Checked by reading the output back with our readers and comparing every frame's bytes,
 * timestamp, lengths, interface and comments with the input's chosen frames, and by comparing
 * the output with the input's own bytes cut by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { describe, expect, test } from 'vitest';
import { FrameSet } from '../../src/capture/frame-set.js';
import { readCapture, type CaptureSource } from '../../src/capture/open-capture.js';
import { copyFrames } from '../../src/pipeline.js';
import { LinkType } from '../../src/decode/fields.js';
import { chunked, pcapFile, pcapng, segment } from '../support/capture-files.js';

interface Seen {
  frame: number;
  bytes: string;
  ts: string;
  caplen: number;
  origLen: number;
  iface: number;
  section: number;
  linkType: number;
  comments: string[] | null;
}

async function frames(source: CaptureSource): Promise<{ frames: Seen[]; error: string | null; format: string | null; interfaces: number; comments: string[] }> {
  const out: Seen[] = [];
  const r = await readCapture(source, {
    onFrame(f) {
      out.push({
        frame: f.frame,
        bytes: Buffer.from(f.bytes.subarray(f.start, f.start + f.caplen)).toString('hex'),
        ts: f.hasTimestamp ? `${f.tsSec}.${f.tsNsec}` : '-',
        caplen: f.caplen,
        origLen: f.origLen,
        iface: f.iface,
        section: f.section,
        linkType: f.linkType,
        comments: f.comments,
      });
    },
  });
  return { frames: out, error: r.error?.message ?? null, format: r.info.format, interfaces: r.info.interfaces.length, comments: r.info.comments };
}

async function slice(input: Buffer, wanted: number[], chunk = 0): Promise<Buffer> {
  const set = new FrameSet();
  for (const f of wanted) set.add(f);
  const parts: Buffer[] = [];
  const r = await copyFrames(chunk > 0 ? chunked(input, chunk) : chunked(input, input.length), 'test', set, (b) => parts.push(b));
  const out = Buffer.concat(parts);
  expect(r.bytes).toBe(out.length);
  return out;
}

/** The input's chosen frames, all fields but the frame number, against the output's. */
async function expectSameFrames(input: Buffer, output: Buffer, wanted: number[]): Promise<void> {
  const a = await frames(chunked(input, input.length));
  const b = await frames(chunked(output, output.length));
  expect(b.error).toBeNull();
  expect(b.format).toBe(a.format);
  expect(b.interfaces).toBe(a.interfaces);
  expect(b.comments).toEqual(a.comments);
  const strip = ({ frame: _f, ...rest }: Seen): Omit<Seen, 'frame'> => rest;
  const want = a.frames.filter((f) => wanted.includes(f.frame)).map(strip);
  expect(want.length).toBe(wanted.filter((w) => a.frames.some((f) => f.frame === w)).length);
  expect(b.frames.map(strip)).toEqual(want);
}

describe('copyFrames: classic pcap', () => {
  test.each([
    { name: 'little-endian, microseconds', opts: {} },
    { name: 'big-endian, nanoseconds, snap length 200', opts: { bigEndian: true, nanosecond: true, snaplen: 200 } },
  ])('$name: the file header as it was, then exactly the chosen records, in any chunking', async ({ opts }) => {
    const input = pcapFile(9, opts);
    const wanted = [1, 4, 5, 9];
    for (const chunk of [0, 1, 7, 64]) {
      const out = await slice(input, wanted, chunk);
      expect(out.subarray(0, 24)).toEqual(input.subarray(0, 24));
      // Records by hand: 16-byte header + caplen, in the file's byte order.
      const records: Buffer[] = [];
      for (let at = 24, n = 1; at < input.length; n++) {
        const caplen = opts.bigEndian ? input.readUInt32BE(at + 8) : input.readUInt32LE(at + 8);
        if (wanted.includes(n)) records.push(input.subarray(at, at + 16 + caplen));
        at += 16 + caplen;
      }
      expect(out).toEqual(Buffer.concat([input.subarray(0, 24), ...records]));
      await expectSameFrames(input, out, wanted);
    }
  });

  test('a pcap file past the parallel reader\'s threshold (16 MiB) is still copied from its byte stream', async () => {
    const out = collectChunks();
    const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
    const frame = buildTcpFrame({ src: '192.0.2.1', dst: '192.0.2.2', sport: 1000, dport: 80, seq: 1, ack: 1, flags: 0x18, payload: 1400 });
    for (let i = 0; i < 12_500; i++) w.packet(1_700_000_000 + i, 0, frame);
    const file = join(mkdtempSync(join(tmpdir(), 'tcplens-copier-')), 'big.pcap');
    writeFileSync(file, out.result());
    const input = readFileSync(file);
    expect(input.length).toBeGreaterThan(16 << 20);
    const set = new FrameSet();
    for (const f of [1, 7000, 12_500]) set.add(f);
    const parts: Buffer[] = [];
    const r = await copyFrames(file, file, set, (b) => parts.push(b));
    expect(r.packets).toBe(3);
    const rec = (n: number): Buffer => input.subarray(24 + (n - 1) * (16 + frame.length), 24 + n * (16 + frame.length));
    expect(Buffer.concat(parts)).toEqual(Buffer.concat([input.subarray(0, 24), rec(1), rec(7000), rec(12_500)]));
  });

  test('no frame chosen: a valid capture with the file header only', async () => {
    const input = pcapFile(3);
    const out = await slice(input, []);
    expect(out).toEqual(input.subarray(0, 24));
    expect((await frames(chunked(out, out.length))).frames).toEqual([]);
  });

  test('gzip input: the output is the plain capture (decompressed records)', async () => {
    const input = pcapFile(5);
    const out = await slice(gzipSync(input), [2, 3]);
    expect(out).toEqual(await slice(input, [2, 3]));
  });

  test('a record damaged after frame 3 ends the copy there: the frames before it are written, never the damaged bytes', async () => {
    const input = Buffer.from(pcapFile(6));
    // Record 4's captured length made impossible (above 256 KiB).
    let at = 24;
    for (let n = 1; n < 4; n++) at += 16 + input.readUInt32LE(at + 8);
    input.writeUInt32LE(0x7fffffff, at + 8);
    const read = await frames(chunked(input, input.length));
    expect(read.error).toMatch(/captured length/);
    const out = await slice(input, [1, 3, 4, 5], 11);
    const rec = (o: number): Buffer => input.subarray(o, o + 16 + input.readUInt32LE(o + 8));
    const r1 = rec(24);
    const r2 = rec(24 + r1.length);
    const r3 = rec(24 + r1.length + r2.length);
    expect(out).toEqual(Buffer.concat([input.subarray(0, 24), r1, r3]));
    await expectSameFrames(input.subarray(0, at), out, [1, 3]);
  });
});


/** pcapng blocks by hand: type and bytes, each section in its own byte order. */
function blocks(buf: Buffer): { type: number; hex: string }[] {
  const list: { type: number; hex: string }[] = [];
  let le = true;
  for (let at = 0; at < buf.length; ) {
    if (buf.readUInt32LE(at) === 0x0a0d0d0a) le = buf.readUInt32LE(at + 8) === 0x1a2b3c4d;
    const type = le ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
    const len = le ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at + 4);
    list.push({ type, hex: buf.toString('hex', at, at + len) });
    at += len;
  }
  return list;
}

/** The blocks the copy must give: all but the packet blocks (EPB, SPB), which only when wanted (numbered as tshark numbers frames: custom blocks count). */
function expectedBlocks(input: Buffer, wanted: number[]): { type: number; hex: string }[] {
  let n = 0;
  return blocks(input).filter((b) => {
    if (b.type === 0x00000bad) n++;
    if (b.type !== 6 && b.type !== 3) return true;
    n++;
    return wanted.includes(n);
  });
}

describe('copyFrames: pcapng', () => {
  /** Two sections (the second big-endian), three interfaces, comments, a simple packet, a name resolution block and a custom block. */
  const input = pcapng((w) => {
    w.section({ comment: 'section one' });
    w.interface({ linkType: LinkType.ETHERNET, name: 'eth0', comment: 'the first interface' });
    w.interface({ linkType: LinkType.ETHERNET, name: 'eth1', tsresol: 9 });
    for (let i = 0; i < 4; i++) w.enhancedPacket(i % 2, BigInt(1_700_000_000_000_000 + i), segment(i), i === 2 ? { comment: `packet ${i}` } : {});
    w.rawBlock(0x00000004, Buffer.alloc(4)); // NRB: end of records
    w.rawBlock(0x00000bad, Buffer.from([0, 0, 0x7f, 0xff, 1, 2, 3, 4])); // custom block: takes a frame number, as in tshark
    w.simplePacket(segment(5));
    w.section({ bigEndian: true, comment: 'section two' });
    w.interface({ linkType: LinkType.ETHERNET, name: 'lo' });
    for (let i = 6; i < 9; i++) w.enhancedPacket(0, BigInt(1_700_000_001_000_000 + i), segment(i), { comment: `be ${i}` });
  });

  test('every non-packet block kept, the chosen packet blocks only, across sections of both byte orders and any chunking', async () => {
    const all = await frames(chunked(input, input.length));
    expect(all.error).toBeNull();
    // Frame 5 is the custom block's number: there is no packet 5.
    expect(all.frames.map((f) => f.frame)).toEqual([1, 2, 3, 4, 6, 7, 8, 9]);
    for (const wanted of [[2, 3, 7, 9], [1, 4, 6, 8], []]) {
      for (const chunk of [0, 5, 33]) {
        const out = await slice(input, wanted, chunk);
        await expectSameFrames(input, out, wanted);
        // Block by block: every block of the input whose type is not a packet block, plus the chosen packet blocks.
        const expected = expectedBlocks(input, wanted);
        expect(blocks(out)).toEqual(expected);
        expect(blocks(out).filter((b) => b.type === 0x0a0d0d0a || b.type === 1)).toHaveLength(5);
      }
    }
  });

  test('a block with a bad trailer: the blocks before it are written, it and the rest are not', async () => {
    const damaged = Buffer.from(input);
    // The 7th block (frame 4's EPB): its trailer changed.
    let at = 0;
    for (let i = 0; i < 6; i++) at += damaged.readUInt32LE(at + 4);
    const len = damaged.readUInt32LE(at + 4);
    damaged.writeUInt32LE(len + 4, at + len - 4);
    expect((await frames(chunked(damaged, damaged.length))).error).toMatch(/don't match/);
    const out = await slice(damaged, [1, 3, 4, 6, 9], 9);
    expect(blocks(out)).toEqual(expectedBlocks(damaged.subarray(0, at), [1, 3, 4, 6, 9]));
    await expectSameFrames(damaged.subarray(0, at), out, [1, 3]);
  });
});
