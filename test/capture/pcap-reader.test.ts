/**
 * Classic pcap through pcap-parser, with every gap of pcap-parser 0.2.1 covered
 * (../shared/ANCHORS.md §5.2): nanosecond files, the version check, absurd captured lengths,
 * truncated last records, and no deprecated Buffer() reaching the user.
 */
import { describe, expect, test } from 'vitest';
import { collect } from '../support/collect.js';
import { chunked, pcapFile, segment } from '../support/capture-files.js';

describe('classic pcap', () => {
  test.each([
    ['microsecond, little-endian', {} as { nanosecond?: boolean; bigEndian?: boolean }],
    ['microsecond, big-endian', { bigEndian: true }],
    ['nanosecond, little-endian', { nanosecond: true }],
    ['nanosecond, big-endian', { nanosecond: true, bigEndian: true }],
  ])('%s: every frame, exact timestamps', async (_name, opts) => {
    const { result, frames } = await collect(chunked(pcapFile(5, opts), 1 << 20));
    expect(result.error).toBeNull();
    expect(result.info.format).toBe(opts.nanosecond ? 'pcap-nsec' : 'pcap');
    expect(result.info.byteOrder).toBe(opts.bigEndian ? 'BE' : 'LE');
    expect(frames.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5]);
    expect(frames[3]?.ts).toBe(opts.nanosecond ? '1700000003.003003003' : '1700000003.003003000');
    expect(frames[3]?.tcp?.sport).toBe(1003);
    expect(frames[3]?.caplen).toBe(segment(3).length);
  });

  test('records split across chunks at every byte give the same frames', async () => {
    const file = pcapFile(4);
    const whole = await collect(chunked(file, file.length));
    for (const size of [1, 2, 3, 7, 16, 17, 64]) {
      const split = await collect(chunked(file, size));
      expect(split.frames, `chunks of ${size}`).toEqual(whole.frames);
    }
  });

  test('version 1.4 is refused (pcap-parser would accept it), naming the offset', async () => {
    const { result, frames } = await collect(chunked(pcapFile(2, { version: [1, 4] }), 64), 'old.pcap');
    expect(frames).toEqual([]);
    expect(result.error).toMatchObject({ code: 'UNSUPPORTED_VERSION', fileOffset: 4 });
    expect(result.error?.message).toBe('unsupported pcap savefile version 1.4 (tcplens reads 2.0 to 2.4)');
  });

  test('an absurd captured length ends the file with an error at that record; earlier frames are kept', async () => {
    const file = pcapFile(3);
    const third = 24 + (16 + segment(0).length) + (16 + segment(1).length);
    file.writeUInt32LE(0x7fffffff, third + 8);
    const { result, frames } = await collect(chunked(file, 1 << 20));
    expect(frames.map((f) => f.frame)).toEqual([1, 2]);
    expect(result.error).toMatchObject({ code: 'BAD_RECORD_LENGTH', fileOffset: third });
    expect(result.error?.message).toContain('captured length 2147483647');
  });

  test('a truncated last record is a warning with its offset; the frames before it are kept', async () => {
    const file = pcapFile(3);
    const cut = file.subarray(0, file.length - 5);
    const { result, frames } = await collect(chunked(cut, 100));
    expect(frames.length).toBe(2);
    expect(result.error).toBeNull();
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'TRUNCATED_RECORD', fileOffset: 24 + 2 * 16 + segment(0).length + segment(1).length }),
    ]);
  });

  test('a file cut inside its header is an error, not a silent empty result', async () => {
    const { result } = await collect(chunked(pcapFile(1).subarray(0, 10), 4));
    expect(result.error).toMatchObject({ code: 'TRUNCATED_FILE_HEADER' });
  });

  test('a record longer than the snap length is read, as libpcap and Wireshark do, with one warning', async () => {
    const { result, frames } = await collect(chunked(pcapFile(3, { snaplen: 40 }), 1 << 20));
    expect(frames.length).toBe(3);
    expect(result.warnings.map((w) => w.code)).toEqual(['CAPLEN_EXCEEDS_SNAPLEN']);
  });

  test('a sub-second field out of range is carried into the seconds, with a warning', async () => {
    const file = pcapFile(1);
    file.writeUInt32LE(1_000_001, 24 + 4);
    const { result, frames } = await collect(chunked(file, 1 << 20));
    expect(frames[0]?.ts).toBe('1700000001.000001000');
    expect(result.warnings.map((w) => w.code)).toEqual(['INVALID_TIMESTAMP']);
  });

  test('reserved link-type bits are refused; FCS-length bits are not', async () => {
    const reserved = pcapFile(1);
    reserved.writeUInt32LE(0x00300001, 20);
    expect((await collect(chunked(reserved, 1 << 20))).result.error?.code).toBe('RESERVED_LINKTYPE_BITS');
    const fcs = pcapFile(1);
    fcs.writeUInt32LE(0x34000001, 20); // FCS present, 3 × 16 bits
    const ok = await collect(chunked(fcs, 1 << 20));
    expect(ok.result.error).toBeNull();
    expect(ok.result.info.interfaces[0]?.fcsLen).toBe(6);
    expect(ok.frames[0]?.linkType).toBe(1);
  });
});
