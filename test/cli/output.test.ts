/** cli/output.ts LineWriter: lines, text and UTF-8 bytes (a spool read back) reach the stream whole and in the order written. */
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { LineWriter } from '../../src/cli/output.js';

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
});
