/**
 * Frames the capture holds twice (src/capture/duplicate-frames.ts): the same bytes as the frame
 * before, at the same instant. Each condition on crafted frames; on the corpus, against
 * Wireshark's tools (test/fixtures/editcap: editcap -d, and tshark's MD5 of each frame).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DuplicateFrames, HEAD_BYTES } from '../../src/capture/duplicate-frames.js';
import { Frame } from '../../src/capture/frame.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { corpusPath, HAVE_CORPUS, SKIP_MESSAGE } from '../support/corpus.js';

const ACK = buildTcpFrame({ src: '2001:db8::1', dst: '2001:db8::2', sport: 40000, dport: 443, seq: 7, ack: 9, flags: TcpFlag.ACK, payload: 300 });

/** A frame of `bytes` at `sec`.`nsec`, placed at `start` of a larger buffer as readers hand them on. */
function frame(n: number, bytes: Uint8Array, sec: number, nsec: number, start = 3): Frame {
  const f = new Frame();
  f.frame = n;
  f.tsSec = sec;
  f.tsNsec = nsec;
  f.caplen = bytes.length;
  f.origLen = bytes.length;
  f.fileOffset = 24 + 100 * n;
  f.bytes = new Uint8Array(start + bytes.length + 2);
  f.bytes.set(bytes, start);
  f.start = start;
  return f;
}

function changed(at: number): Uint8Array {
  const b = Uint8Array.from(ACK);
  b[at] = (b[at] as number) ^ 0xff;
  return b;
}

function copiesIn(frames: Frame[]): number {
  const d = new DuplicateFrames();
  for (const f of frames) d.onFrame(f);
  return d.count;
}

describe('a copy is the same bytes as the frame before, at the same instant', () => {
  test('the same bytes at the same instant, wherever they sit in the reader\'s buffer: a copy, counted with the first one\'s frame', () => {
    const d = new DuplicateFrames();
    for (const f of [frame(1, ACK, 100, 5, 0), frame(2, ACK, 100, 5, 9), frame(3, ACK, 100, 5, 1)]) d.onFrame(f);
    expect([d.count, d.firstFrame]).toEqual([2, 2]);
    expect(d.warning()).toMatchObject({ code: 'DUPLICATE_FRAMES', fileOffset: 24 + 200 });
    expect(d.warning()?.message).toContain('2 frames are copies of the frame just before');
  });

  test('one nanosecond later is a send of its own (a retransmission), not a copy', () => {
    expect(copiesIn([frame(1, ACK, 100, 5), frame(2, ACK, 100, 6)])).toBe(0);
    expect(copiesIn([frame(1, ACK, 100, 5), frame(2, ACK, 101, 5)])).toBe(0);
  });

  test('one byte of the first HEAD_BYTES different is another packet', () => {
    for (const at of [0, 20, 60, HEAD_BYTES - 1]) expect(copiesIn([frame(1, ACK, 100, 5), frame(2, changed(at), 100, 5)]), `byte ${at}`).toBe(0);
  });

  test('other lengths are other packets', () => {
    const cut = frame(2, ACK, 100, 5);
    cut.caplen = ACK.length - 1;
    expect(copiesIn([frame(1, ACK, 100, 5), cut])).toBe(0);
    const longer = frame(2, ACK, 100, 5);
    longer.origLen = ACK.length + 1;
    expect(copiesIn([frame(1, ACK, 100, 5), longer])).toBe(0);
  });

  test('only the frame just before counts, and frames without a time are never copies', () => {
    expect(copiesIn([frame(1, ACK, 100, 5), frame(2, changed(30), 100, 5), frame(3, ACK, 100, 5)])).toBe(0);
    const a = frame(1, ACK, 100, 5);
    const b = frame(2, ACK, 100, 5);
    a.hasTimestamp = false;
    b.hasTimestamp = false;
    expect(copiesIn([a, b])).toBe(0);
  });

  test('frames with no bytes captured show nothing to compare: never copies', () => {
    const empty = new Uint8Array(0);
    expect(copiesIn([frame(1, empty, 100, 5), frame(2, empty, 100, 5)])).toBe(0);
  });

  test('bytes past the first HEAD_BYTES are not compared: the TCP checksum among them covers the payload', () => {
    expect(ACK.length).toBeGreaterThan(HEAD_BYTES + 10);
    expect(copiesIn([frame(1, ACK, 100, 5), frame(2, changed(HEAD_BYTES + 10), 100, 5)])).toBe(1);
  });

  test('none, no warning', () => {
    expect(new DuplicateFrames().warning()).toBeNull();
  });
});

interface Oracle {
  file: string;
  editcap: number;
  sameInstant: number;
}

const ORACLE: Oracle[] = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'editcap', 'corpus-duplicates.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('file\t'))
  .map((l) => {
    const [file, editcap, sameInstant] = l.split('\t');
    return { file: file as string, editcap: Number(editcap), sameInstant: Number(sameInstant) };
  });

describe.skipIf(!HAVE_CORPUS)(`the corpus against Wireshark's tools${HAVE_CORPUS ? '' : ` (${SKIP_MESSAGE})`}`, () => {
  test.each(ORACLE.map((o) => [o.file, o] as const))('%s', async (_file, o) => {
    const r = await analyzeCapture(corpusPath(o.file), o.file, {}, { collect: false });
    const w = r.decode.warnings.find((x) => x.code === 'DUPLICATE_FRAMES');
    const ours = w === undefined ? 0 : Number(/^(\d+) frames? (?:is a copy|are copies)/.exec(w.message)?.[1]);
    // editcap -d also drops real retransmissions whose bytes repeat (IPv6 has no identification
    // field): only the copies made at the same instant are the capture's own.
    expect(ours).toBe(o.sameInstant);
    expect(ours).toBeLessThanOrEqual(o.editcap);
  });

  test('the oracle has both kinds: captures with copies, and ones where editcap finds only resent packets', () => {
    expect(ORACLE.some((o) => o.sameInstant > 0)).toBe(true);
    expect(ORACLE.some((o) => o.sameInstant === 0 && o.editcap > 0)).toBe(true);
  });
});
