/**
 * gzip'd captures whose start is rejected, cut short or damaged, larger than the 1 MiB read
 * chunk: each is that file's error or warning (name, byte offset, what was wrong), never an
 * uncaught stream error. A gzip of more than one read chunk used to end the process: the file
 * stream was destroyed while gunzip's feeder still waited on it, and its "premature close"
 * had no listener. Vitest fails a run on any uncaught exception, so the in-process cases below
 * catch that too.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { readCapture } from '../../src/capture/open-capture.js';
import { collect } from '../support/collect.js';
import { chunked, pcapFile } from '../support/capture-files.js';
import { runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-gzip-'));

/** Bytes that do not compress (xorshift), so the gzip file is larger than a read chunk. */
function noise(n: number, seed = 12345): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

const BIG = 4 << 20;
/** The reproduction: a pcap header of version 9.9 and 4 MiB of noise, gzip'd. */
const badVersion = gzipSync(Buffer.concat([Buffer.from('d4c3b2a109000900', 'hex'), noise(BIG)]), { level: 1 });
const badMagic = gzipSync(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), noise(BIG)]), { level: 1 });
const gzipInGzip = gzipSync(gzipSync(noise(BIG), { level: 1 }), { level: 1 });

/** A pcap of `n` small frames (pcapFile's payloads grow with i), ~80 bytes a record. */
function manyFrames(n: number): Buffer {
  const one = pcapFile(1);
  const record = one.subarray(24);
  return Buffer.concat([one.subarray(0, 24), ...Array.from({ length: n }, () => record)]);
}

/** A pcap whose records hold noise, so it does not compress: `n` records of 1000 bytes. */
function noisyPcap(n: number): Buffer {
  const header = pcapFile(0);
  const records: Buffer[] = [];
  const body = noise(n * 1000);
  for (let i = 0; i < n; i++) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + i, 0);
    h.writeUInt32LE(1000, 8);
    h.writeUInt32LE(1000, 12);
    records.push(h, body.subarray(i * 1000, (i + 1) * 1000));
  }
  return Buffer.concat([header, ...records]);
}

function file(name: string, bytes: Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe('a gzip capture larger than a read chunk whose start is rejected', () => {
  test.each([
    ['bad version', badVersion, 'UNSUPPORTED_VERSION', 4, /unsupported pcap savefile version 9\.9/],
    ['bad magic', badMagic, 'BAD_MAGIC', 0, /not a capture file: magic 47455420/],
    ['gzip inside gzip', gzipInGzip, 'UNSUPPORTED_FORMAT', 0, /gzip inside gzip/],
  ])('%s: the file\'s error, in process', async (name, bytes, code, offset, text) => {
    expect(bytes.length).toBeGreaterThan(2 << 20);
    const path = file(`${name.replace(/ /g, '-')}.pcap.gz`, bytes);
    const result = await readCapture(path, { onFrame: () => {} });
    expect(result.error?.code).toBe(code);
    expect(result.error?.fileOffset).toBe(offset);
    expect(result.error?.message).toMatch(text);
    // Let the torn-down streams emit whatever they emit: an uncaught error would fail the run.
    await new Promise((r) => setTimeout(r, 50));
  });

  test.each([['analyze'], ['packets']])('%s exits 3 naming the file, the offset and the cause, with no stack trace', async (command) => {
    const path = file(`cli-${command}.pcap.gz`, badVersion);
    const run = await runCli([command, path, ...(command === 'analyze' ? ['--format', 'json'] : ['--format', 'ndjson'])]);
    expect(run.code).toBe(3);
    // Offsets in a gzip'd capture count the decompressed bytes, and the line says so.
    expect(run.stderr).toContain(`tcplens: error: ${path}: at byte 0x4 (4) of the decompressed capture: unsupported pcap savefile version 9.9 (tcplens reads 2.0 to 2.4) [UNSUPPORTED_VERSION]`);
    expect(run.stderr).not.toMatch(/node:events|Unhandled|ERR_STREAM_PREMATURE_CLOSE|\n\s+at /);
    if (command === 'analyze') expect(JSON.stringify(JSON.parse(run.stdout).capture)).toMatch(/version 9\.9/);
  });

  test('the text report says the offset is in the decompressed capture too', async () => {
    const path = file('cli-text.pcap.gz', badVersion);
    const run = await runCli(['analyze', path]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('error at byte 4 of the decompressed capture: unsupported pcap savefile version 9.9');
  });

  test('from standard input too', async () => {
    const run = await runCli(['packets', '-'], { stdin: badVersion });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('tcplens: error: -: at byte 0x4 (4) of the decompressed capture: unsupported pcap savefile version 9.9');
    expect(run.stderr).not.toMatch(/node:events|\n\s+at /);
  });

  test('audit: that file gets its own error, the others are audited, exit 3', async () => {
    const dir = join(tmp, 'audit');
    mkdirSync(dir);
    const bad = join(dir, 'a-bad.pcap.gz');
    writeFileSync(bad, badVersion);
    writeFileSync(join(dir, 'b-good.pcap'), pcapFile(3));
    const run = await runCli(['audit', dir, '--format', 'json', '--jobs', '1']);
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout) as { files: { file: string; error: string | null; packets: number }[] };
    expect(doc.files.map((f) => [f.file, f.error === null, f.packets])).toEqual([
      [bad, false, 0],
      [join(dir, 'b-good.pcap'), true, 3],
    ]);
    expect(doc.files[0]?.error).toBe('at byte 4 of the decompressed capture: unsupported pcap savefile version 9.9 (tcplens reads 2.0 to 2.4)');
  });
});

describe('a gzip stream cut short', () => {
  test('trailer missing: every frame kept, a TRUNCATED_GZIP warning at the end of the data', async () => {
    const plain = manyFrames(300);
    const z = gzipSync(plain);
    const { result, frames } = await collect(chunked(z.subarray(0, z.length - 8), 64));
    expect(result.error).toBeNull();
    expect(frames).toHaveLength(300);
    // Its 300 frames are one frame repeated at one instant, which DUPLICATE_FRAMES says too.
    expect(result.warnings.filter((w) => w.code !== 'DUPLICATE_FRAMES')).toEqual([
      { code: 'TRUNCATED_GZIP', fileOffset: plain.length, message: `the gzip stream is cut short after ${z.length - 8} compressed bytes (its end and CRC are missing): the capture data ends at byte ${plain.length}; everything before was read` },
    ]);
  });

  test('cut inside a large stream: the frames before the cut are kept whole, read in more than one chunk', async () => {
    const plain = noisyPcap(4000); // 4 MB of capture data that does not compress
    const z = gzipSync(plain, { level: 1 });
    const cut = z.subarray(0, Math.floor(z.length * 0.8));
    const path = file('cut-large.pcap.gz', cut);
    const full = (await collect(chunked(plain, 1 << 20))).frames;
    const { result, frames } = await collect(path);
    expect(result.error).toBeNull();
    expect(frames.length).toBeGreaterThan(2000);
    expect(frames).toEqual(full.slice(0, frames.length));
    expect(result.warnings.map((w) => w.code)).toContain('TRUNCATED_GZIP');
  });

  test('the CLI warns, names the file and the offset, and exits 0 (a cut file is a warning, as for a plain one)', async () => {
    const plain = pcapFile(5);
    const z = gzipSync(plain);
    const path = file('cut-trailer.pcap.gz', z.subarray(0, z.length - 8));
    const run = await runCli(['packets', path, '--format', 'ndjson']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(5);
    expect(run.stderr).toContain(`tcplens: warning: ${path}: at byte 0x${plain.length.toString(16)} (${plain.length}) of the decompressed capture: the gzip stream is cut short`);
  });

  test('cut inside the gzip header: an error, not an empty capture', async () => {
    const z = gzipSync(pcapFile(2));
    const { result } = await collect(chunked(z.subarray(0, 6), 64));
    expect(result.error?.code).toBe('BAD_GZIP');
    expect(result.error?.message).toMatch(/cut short after 6 compressed bytes, before any capture data/);
  });
});

describe('damaged gzip', () => {
  test('a bad CRC is BAD_GZIP naming how far the compressed data was read', async () => {
    const z = Buffer.from(gzipSync(pcapFile(5)));
    z.writeUInt32LE(~z.readUInt32LE(z.length - 8) >>> 0, z.length - 8);
    const { result } = await collect(chunked(z, 1 << 20));
    expect(result.error?.code).toBe('BAD_GZIP');
    expect(result.error?.message).toMatch(/incorrect data check\) within its first \d+ compressed bytes/);
  });

  test('frames before damage deep inside a large stream are kept', async () => {
    const plain = noisyPcap(4000);
    const z = Buffer.from(gzipSync(plain, { level: 1 }));
    z.fill(0xa5, Math.floor(z.length * 0.7), Math.floor(z.length * 0.7) + 64);
    const full = (await collect(chunked(plain, 1 << 20))).frames;
    const { result, frames } = await collect(chunked(z, 1 << 20));
    expect(result.error?.code).toBe('BAD_GZIP');
    expect(frames.length).toBeGreaterThan(2000);
    expect(frames).toEqual(full.slice(0, frames.length));
  });
});

describe('a stream of the reading path that fails', () => {
  function failing(head: Buffer, at: number): Readable {
    let sent = false;
    return new Readable({
      read() {
        if (!sent) {
          sent = true;
          this.push(head.subarray(0, at));
        } else this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO', syscall: 'read' }));
      },
    });
  }

  test('a plain capture: READ_FAILED at the offset reached, frames before kept', async () => {
    const plain = pcapFile(10);
    const { result, frames } = await collect(failing(plain, 300));
    expect(result.error?.code).toBe('READ_FAILED');
    expect(result.error?.message).toMatch(/EIO/);
    expect(frames.length).toBeGreaterThan(0);
  });

  test('under gzip: READ_FAILED, not an uncaught error from the gunzip feeder', async () => {
    const z = gzipSync(noisyPcap(4000), { level: 1 });
    const { result } = await collect(failing(z, 2 << 20));
    expect(result.error?.code).toBe('READ_FAILED');
    expect(result.error?.message).toMatch(/EIO/);
    await new Promise((r) => setTimeout(r, 50));
  });
});
