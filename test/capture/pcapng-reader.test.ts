/**
 * pcapng: sections of either byte order with their own interfaces, if_tsresol (powers of 10
 * and of 2) and if_tsoffset, EPB, SPB and the obsolete PB, comments, and every other block
 * skipped by its length. Files are written by our own writer and cross-checked on the corpus
 * (test/corpus/frames.test.ts) against files written by others.
 */
import { describe, expect, test } from 'vitest';
import { collect } from '../support/collect.js';
import { chunked, pcapng, segment } from '../support/capture-files.js';

const ETH = 1;

describe('pcapng', () => {
  test('two sections of different byte order, each with its own interfaces', async () => {
    const file = pcapng((w) => {
      w.section({ comment: 'first <section>' });
      w.interface({ linkType: ETH, name: 'eth0', comment: 'uplink' });
      w.enhancedPacket(0, 1_700_000_000_123_456n, segment(1), { comment: 'hello' });
      w.section({ bigEndian: true });
      w.interface({ linkType: 101 });
      w.interface({ linkType: ETH, tsresol: 9 });
      w.enhancedPacket(1, 1_700_000_000_123_456_789n, segment(2));
    });
    for (const size of [1, 13, 1 << 20]) {
      const { result, frames } = await collect(chunked(file, size));
      expect(result.error).toBeNull();
      expect(result.info.sections).toBe(2);
      expect(result.info.byteOrder).toBe('LE');
      expect(result.info.comments).toEqual(['first <section>']);
      expect(result.info.interfaces.map((i) => [i.section, i.id, i.linkType, i.name])).toEqual([
        [1, 0, ETH, 'eth0'],
        [2, 0, 101, null],
        [2, 1, ETH, null],
      ]);
      expect(frames.map((f) => [f.frame, f.section, f.iface, f.ts, f.comments, f.tcp?.sport])).toEqual([
        [1, 1, 0, '1700000000.123456000', ['hello'], 1001],
        [2, 2, 1, '1700000000.123456789', null, 1002],
      ]);
    }
  });

  test('if_tsresol as a power of 2 and if_tsoffset', async () => {
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: ETH, tsresol: 0x88, tsoffset: 1_000 }); // 2^-8 s ticks
      w.enhancedPacket(0, (1_700_000_000n << 8n) | 0x40n, segment(1)); // + 64/256 s
    });
    const { frames } = await collect(chunked(file, 1 << 20));
    expect(frames[0]?.ts).toBe('1700001000.250000000');
  });

  test('nanosecond units near 2^64 keep every digit', async () => {
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: ETH, tsresol: 9 });
      w.enhancedPacket(0, 18_446_744_073_709_551_615n, segment(1));
    });
    const { frames } = await collect(chunked(file, 1 << 20));
    expect(frames[0]?.ts).toBe('18446744073.709551615');
  });

  test('simple packet blocks: no timestamp, captured length bounded by the snap length', async () => {
    const data = segment(5);
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: ETH, snaplen: 40 });
      w.simplePacket(data);
    });
    const { frames } = await collect(chunked(file, 1 << 20));
    expect(frames).toHaveLength(1);
    expect([frames[0]?.ts, frames[0]?.caplen, frames[0]?.len]).toEqual([null, 40, data.length]);
  });

  test('custom blocks take a frame number (as in tshark); NRB, ISB and unknown blocks are skipped', async () => {
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: ETH });
      w.rawBlock(0x00000bad, Buffer.alloc(8)); // custom block: tshark frame 1
      w.rawBlock(4, Buffer.alloc(4)); // name resolution block
      w.enhancedPacket(0, 1n, segment(1));
      w.rawBlock(5, Buffer.alloc(12)); // interface statistics
      w.rawBlock(0x12345678, Buffer.alloc(20)); // unknown
      w.enhancedPacket(0, 2n, segment(2));
    });
    const { result, frames } = await collect(chunked(file, 7));
    expect(result.error).toBeNull();
    expect(frames.map((f) => f.frame)).toEqual([2, 3]);
    expect(result.packets).toBe(2);
  });

  test('the obsolete Packet Block is read', async () => {
    const data = segment(3);
    const body = Buffer.alloc(20 + ((data.length + 3) & ~3));
    body.writeUInt16LE(0, 0); // interface
    body.writeUInt32LE(0, 4);
    body.writeUInt32LE(7, 8); // 7 µs
    body.writeUInt32LE(data.length, 12);
    body.writeUInt32LE(data.length, 16);
    data.copy(body, 20);
    const file = pcapng((w) => {
      w.section();
      w.interface({ linkType: ETH });
      w.rawBlock(2, body);
    });
    const { frames } = await collect(chunked(file, 1 << 20));
    expect(frames.map((f) => [f.ts, f.tcp?.sport])).toEqual([['0.000007000', 1003]]);
  });

  describe('damage ends the file with an error naming the offset; earlier frames are kept', () => {
    const good = (): Buffer =>
      pcapng((w) => {
        w.section();
        w.interface({ linkType: ETH });
        w.enhancedPacket(0, 1n, segment(1));
        w.enhancedPacket(0, 2n, segment(2));
      });
    const secondEpb = (file: Buffer): number => file.length - file.readUInt32LE(file.length - 4);

    test('trailer length differs from the header', async () => {
      const file = good();
      file.writeUInt32LE(12, file.length - 4);
      const { result, frames } = await collect(chunked(file, 1 << 20));
      expect(frames).toHaveLength(1);
      expect(result.error).toMatchObject({ code: 'BLOCK_LENGTH_MISMATCH', fileOffset: file.length - 4 });
    });

    test('a block length that is not a multiple of 4', async () => {
      const file = good();
      const at = secondEpb(file);
      file.writeUInt32LE(file.readUInt32LE(at + 4) + 1, at + 4);
      const { result } = await collect(chunked(file, 1 << 20));
      expect(result.error).toMatchObject({ code: 'BAD_BLOCK_LENGTH', fileOffset: at + 4 });
      expect(result.error?.message).toContain('not a multiple of 4');
    });

    test('an absurd block length is refused before anything is buffered', async () => {
      const file = good();
      const at = secondEpb(file);
      file.writeUInt32LE(0x7ffffff0, at + 4);
      const { result } = await collect(chunked(file, 1 << 20));
      expect(result.error).toMatchObject({ code: 'BAD_BLOCK_LENGTH', fileOffset: at + 4 });
    });

    test('a captured length larger than its block', async () => {
      const file = good();
      const at = secondEpb(file);
      file.writeUInt32LE(5000, at + 20);
      const { result } = await collect(chunked(file, 1 << 20));
      expect(result.error).toMatchObject({ code: 'MALFORMED_BLOCK', fileOffset: at + 20 });
    });

    test('a packet naming an interface that was never described', async () => {
      const file = good();
      const at = secondEpb(file);
      file.writeUInt32LE(3, at + 8);
      const { result } = await collect(chunked(file, 1 << 20));
      expect(result.error).toMatchObject({ code: 'UNKNOWN_INTERFACE', fileOffset: at + 8 });
    });

    test('a truncated last block is a warning', async () => {
      const file = good();
      const { result, frames } = await collect(chunked(file.subarray(0, file.length - 9), 1 << 20));
      expect(frames).toHaveLength(1);
      expect(result.error).toBeNull();
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'TRUNCATED_BLOCK', fileOffset: secondEpb(file) })]);
    });

    test('an unsupported section version', async () => {
      const file = pcapng((w) => w.section({ version: [2, 0] }));
      const { result } = await collect(chunked(file, 1 << 20));
      expect(result.error).toMatchObject({ code: 'UNSUPPORTED_VERSION', fileOffset: 12 });
    });
  });
});
