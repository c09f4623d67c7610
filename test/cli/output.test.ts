/** cli/output.ts LineWriter: lines, text and UTF-8 bytes (a spool read back) reach the stream whole and in the order written. */
import { Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { LineWriter, OutputError } from '../../src/cli/output.js';
import { runCli } from '../support/cli.js';

const sample = fileURLToPath(new URL('../../samples/refused.pcap', import.meta.url));

function sink(): { stream: Writable; text(): string; writes(): number } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), writes: () => chunks.length };
}

describe('LineWriter', () => {
  test('text and bytes interleaved come out in order, multi-byte characters whole, batched into few writes', async () => {
    const s = sink();
    const w = new LineWriter(s.stream);
    let expected = '';
    for (let i = 0; i < 5000; i++) {
      const piece = `é${i}→`;
      if (i % 3 === 0) w.write(Buffer.from(piece));
      else if (i % 3 === 1) w.write(piece);
      else w.line(piece);
      expected += i % 3 === 2 ? `${piece}\n` : piece;
    }
    await w.end();
    expect(s.text()).toBe(expected);
    expect(s.writes()).toBeLessThan(10);
  });

  test('a stream that fails while a write waits for drain: end() throws an OutputError, nothing is left uncaught or waiting', async () => {
    const stream = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        setImmediate(() => done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })));
      },
    });
    const w = new LineWriter(stream);
    w.line('x'.repeat(70_000)); // past the batch: written, and the stream asks to wait
    const waited = w.wait();
    expect(waited).toBeInstanceOf(Promise);
    await waited;
    expect(w.closed).toBe(true);
    await expect(w.end(true)).rejects.toThrow(OutputError);
  });

  test('a reader gone away (EPIPE) ends the writing quietly', async () => {
    const stream = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const w = new LineWriter(stream);
    w.line('x'.repeat(70_000));
    await new Promise((r) => setImmediate(r));
    expect(w.closed).toBe(true);
    await expect(w.end()).resolves.toBeUndefined();
  });
});

describe('-o FILE', () => {
  test('a file that cannot be opened is a usage error before any reading, with the reason', async () => {
    const r = await runCli(['analyze', sample, '-o', '/nonexistent-folder/out.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-o /nonexistent-folder/out.txt: cannot write it (no such folder)');
    expect(r.stderr).not.toMatch(/\bat \w+ \(|throw err/);
  });

  test.skipIf(!existsSync('/dev/full'))('a write that fails (a full device) is exit 74 with the reason, never a stack', async () => {
    for (const args of [['analyze', sample], ['timeline', sample, '--conn', '1']]) {
      const r = await runCli([...args, '-o', '/dev/full']);
      expect(r.code).toBe(74);
      expect(r.stderr).toContain('tcplens: error: cannot write the output: ENOSPC');
      expect(r.stderr).not.toMatch(/internal error|\bat \w+ \(/);
    }
  });
});
