/**
 * The front door: format sniffing by magic number (never by name), gzip, bad input of every
 * kind. Bad input never throws, never hangs, and keeps what was read before the damage.
 */
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { readCapture, sniffFormat } from '../../src/capture/open-capture.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { collect } from '../support/collect.js';
import { chunked, pcapFile, pcapng, segment } from '../support/capture-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-open-'));

describe('format sniffing', () => {
  test('by magic number in either byte order', () => {
    expect(sniffFormat(Buffer.from('d4c3b2a1', 'hex'))).toBe('pcap');
    expect(sniffFormat(Buffer.from('a1b2c3d4', 'hex'))).toBe('pcap');
    expect(sniffFormat(Buffer.from('4d3cb2a1', 'hex'))).toBe('pcap-nsec');
    expect(sniffFormat(Buffer.from('a1b23c4d', 'hex'))).toBe('pcap-nsec');
    expect(sniffFormat(Buffer.from('0a0d0d0a', 'hex'))).toBe('pcapng');
    expect(sniffFormat(Buffer.from('1f8b0800', 'hex'))).toBe('gzip');
    expect(sniffFormat(Buffer.from('snoop\0\0\0', 'latin1'))).toBe('snoop');
    expect(sniffFormat(Buffer.from('GET /', 'latin1'))).toBeNull();
  });

  test('never by the file name: a pcapng named .pcap is read as pcapng', async () => {
    const path = join(tmp, 'really-pcapng.pcap');
    writeFileSync(path, pcapng((w) => (w.section(), w.interface({ linkType: 1 }), w.enhancedPacket(0, 5n, segment(1)))));
    const { result, frames } = await collect(path);
    expect(result.info.format).toBe('pcapng');
    expect(frames).toHaveLength(1);
  });
});

describe('gzip', () => {
  test('a gzip-compressed capture is read transparently', async () => {
    const path = join(tmp, 'three.pcap.gz');
    writeFileSync(path, gzipSync(pcapFile(3)));
    const { result, frames } = await collect(path);
    expect(result.error).toBeNull();
    expect(result.info.gzip).toBe(true);
    expect(frames.map((f) => f.tcp?.sport)).toEqual([1000, 1001, 1002]);
  });

  test('a gzip stream cut short yields the frames it holds and a truncation warning', async () => {
    const z = gzipSync(pcapFile(40));
    const { result, frames } = await collect(chunked(z.subarray(0, Math.floor(z.length * 0.7)), 256));
    expect(result.error).toBeNull();
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.length).toBeLessThan(40);
    expect(result.warnings.map((w) => w.code)).toEqual(['TRUNCATED_RECORD', 'TRUNCATED_GZIP']);
  });

  test('damaged gzip data is a clear error', async () => {
    const z = Buffer.from(gzipSync(pcapFile(40)));
    z.fill(0xff, 30, 60);
    const { result } = await collect(chunked(z, 1 << 20));
    expect(result.error?.code).toBe('BAD_GZIP');
  });
});

describe('bad input gets a clear error naming the file and the offset', () => {
  test.each([
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE', /empty/],
    ['three bytes', Buffer.from([0xd4, 0xc3, 0xb2]), 'TRUNCATED_FILE_HEADER', /before its magic number/],
    ['text', Buffer.from('hello, this is not a capture\n'), 'BAD_MAGIC', /not a capture file: magic 68656c6c \(the file starts with text\)/],
    ['a snoop file of another version', Buffer.from('736e6f6f700000000000000300000004', 'hex'), 'UNSUPPORTED_VERSION', /snoop version 3/],
    ['a Kuznetzov pcap', Buffer.from('34cdb2a10200040000000000000000000000010001000000', 'hex'), 'UNSUPPORTED_FORMAT', /Kuznetzov/],
  ])('%s', async (_name, bytes, code, text) => {
    const path = join(tmp, `bad-${code}.pcap`);
    writeFileSync(path, bytes);
    const { result } = await collect(path);
    expect(result.error?.code).toBe(code);
    expect(result.error?.message).toMatch(text);
    expect(result.name).toBe(path);
  });

  test('a missing file', async () => {
    const result = await readCapture(join(tmp, 'nope.pcap'), { onFrame: () => {} });
    expect(result.error?.code).toBe('READ_FAILED');
    expect(result.error?.message).toMatch(/ENOENT/);
  });

  test('a pcap cut at any byte never throws, and yields a prefix of the frames', async () => {
    const file = pcapFile(3);
    const full = (await collect(chunked(file, 1 << 20))).frames;
    for (let cut = 0; cut <= file.length; cut++) {
      const { frames } = await collect(chunked(file.subarray(0, cut), 50));
      expect(frames, `cut at ${cut}`).toEqual(full.slice(0, frames.length));
    }
  });

  test('a pcapng cut at any byte never throws, and yields a prefix of the frames', async () => {
    const file = pcapng((w) => {
      w.section({ comment: 'x' });
      w.interface({ linkType: 1 });
      for (let i = 0; i < 3; i++) w.enhancedPacket(0, BigInt(i), segment(i));
    });
    const full = (await collect(chunked(file, 1 << 20))).frames;
    for (let cut = 0; cut <= file.length; cut++) {
      const { frames } = await collect(chunked(file.subarray(0, cut), 50));
      expect(frames, `cut at ${cut}`).toEqual(full.slice(0, frames.length));
    }
  });

  test('random bytes after a valid magic number never throw and always end', async () => {
    const heads = [Buffer.from('d4c3b2a102000400', 'hex'), Buffer.from('4d3cb2a102000400', 'hex'), Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000', 'hex')];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), async (head, tail, size) => {
        const { result } = await collect(chunked(Buffer.concat([head, tail]), size));
        expect(result.packets).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  test('random corruption of a valid file never throws', async () => {
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: 1 });
      for (let i = 0; i < 4; i++) w.enhancedPacket(0, BigInt(i), segment(i));
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const bad = Buffer.from(file);
        for (const [at, v] of edits) bad[at] = v;
        const { result } = await collect(chunked(bad, 97));
        expect(result.packets).toBeLessThanOrEqual(4 + 100);
      }),
      { numRuns: 300 },
    );
  });
});

describe('stopping early', () => {
  test('a sink that is done stops reading at the next chunk, with no error or truncation warning', async () => {
    // 4 MB of capture (the reader takes it in chunks well below that).
    const path = join(tmp, 'long.pcap');
    generateManyConnections(path, 40_000, 10, 'refused');
    let frames = 0;
    const r = await readCapture(path, { onFrame: () => void frames++, done: () => frames > 0 });
    expect(r.error).toBeNull();
    expect(r.warnings).toEqual([]);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(80_000);
    const whole = await readCapture(path, { onFrame: () => undefined });
    expect(whole.packets).toBe(80_000);
  });
});
