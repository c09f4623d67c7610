/**
 * The viewer's packets download (`?view=packets&id=N`, `tcplens slice --conn N`'s output) reads
 * the capture on the slice thread (analysis-worker.ts `slice`), never on the viewer's own: here
 * the engine's slice passes are replaced, in this thread only, by functions that throw, so a
 * download that ran them here would fail. The worker thread loads the built engine, untouched,
 * and its bytes must be the CLI's, also for a connection of many blocks (256 KiB each, sent a
 * window at a time) and a client that reads slowly. A download given up ends its thread's work
 * and the viewer goes on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
import { Conversation, type CraftedPacket } from '../../samples/conversation.js';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { AnalysisCache } from '../../src/web/cache.js';
import { createApp } from '../../src/web/server.js';
import { runCli } from '../support/cli.js';

vi.mock('../../src/pipeline.js', async (original) => ({
  ...(await original<typeof import('../../src/pipeline.js')>()),
  selectFrames: () => {
    throw new Error("selectFrames ran on the viewer's own thread");
  },
  copyFrames: () => {
    throw new Error("copyFrames ran on the viewer's own thread");
  },
}));

let root: string;
let cache: AnalysisCache;
let server: Server;
let base: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tcplens-download-'));
  generateBenchCapture(join(root, 'mix.pcap'), 2e6);
  // One bulk connection of about 2 MB (1,500 segments of 1,400 bytes): eight blocks of the slice.
  const packets: CraftedPacket[] = [];
  const bulk = new Conversation(packets, { t: 1_700_000_000 }, { ip: '198.51.100.7', port: 41000, isn: 4_294_000_000 }, { ip: '192.0.2.80', port: 80, isn: 17 });
  bulk.handshake(0.002);
  for (let i = 0; i < 1500; i++) {
    bulk.send('C', 'ACK,PSH', { len: 1400, dt: 0.0001 });
    if (i % 2 === 1) bulk.send('S', 'ACK', { dt: 0.0001 });
  }
  bulk.send('C', 'FIN,ACK');
  bulk.send('S', 'FIN,ACK');
  bulk.send('C', 'ACK');
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: 1 });
  for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
  writeFileSync(join(root, 'bulk.pcap'), out.result());
  cache = new AnalysisCache();
  const app = createApp({ root, maxUploadBytes: 1024, host: '127.0.0.1', port: 0, pageWaitMs: 60_000 }, cache);
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
  await cache.close();
});

/** A GET read `slowly`: paused after each chunk until the next turn of a timer, so the server meets backpressure. */
function download(path: string, slowly: boolean): Promise<{ status: number; body: Buffer }> {
  const url = new URL(path, base);
  return new Promise((done, fail) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (slowly) {
          res.pause();
          setTimeout(() => res.resume(), 1);
        }
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

async function cliSlice(capture: string, id: number): Promise<Buffer> {
  const out = join(mkdtempSync(join(tmpdir(), 'tcplens-download-cli-')), `conn-${id}.pcap`);
  const run = await runCli(['slice', join(root, capture), '--conn', String(id), '-o', out]);
  expect(run.code, run.stderr).toBe(0);
  return readFileSync(out);
}

test("a download several blocks long, read slowly, is the CLI's slice, written on the slice thread; and a small one at full speed", async () => {
  expect((await fetch(`${base}/api/c/bulk.pcap`)).status).toBe(200); // analysed (on its own thread) first
  const threadsBefore = cache.workers().length;
  const got = await download('/c/bulk.pcap?view=packets&id=1', true);
  expect(got.status).toBe(200);
  const want = await cliSlice('bulk.pcap', 1);
  expect(want.length).toBeGreaterThan(4 * 256 * 1024); // more than the window of blocks
  expect(got.body.equals(want)).toBe(true);
  expect(cache.workers().length).toBe(threadsBefore + 1); // the slice thread
  for (const id of [2, 7]) {
    const small = await download(`/c/mix.pcap?view=packets&id=${id}`, false);
    expect(small.body.equals(await cliSlice('mix.pcap', id)), `mix.pcap connection ${id}`).toBe(true);
  }
}, 120_000);

test('a download given up midway ends, and the viewer answers the next one whole', async () => {
  const url = new URL('/c/bulk.pcap?view=packets&id=1', base);
  await new Promise<void>((done) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` }, (res) => {
      res.once('data', () => req.destroy());
      res.on('error', () => undefined);
      res.on('close', () => done());
    });
    req.on('error', () => undefined);
    req.end();
  });
  const again = await download('/c/bulk.pcap?view=packets&id=1', false);
  expect(again.status).toBe(200);
  expect(again.body.equals(await cliSlice('bulk.pcap', 1))).toBe(true);
  expect((await fetch(`${base}/api/c/mix.pcap`)).status).toBe(200);
}, 120_000);
