/**
 * Answers kept ready to send (web/response-cache.ts) and the folder's listing kept a moment
 * (routes/list.ts CaptureListing): a kept answer is the answer that would have been made (same
 * bytes, the ETag express gives them, 304 on a match); a changed capture's pages are made
 * afresh; the listing shows an upload, a file added or removed at once, and a file in a folder
 * it did not watch once its time is up.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { AnalysisCache } from '../../src/web/cache.js';
import { ResponseCache } from '../../src/web/response-cache.js';
import { createApp } from '../../src/web/server.js';
import { SAMPLES } from '../support/cli.js';

describe('ResponseCache', () => {
  const body = (n: number): Buffer => Buffer.alloc(n, 1);

  test('keeps answers by scope and key, least recently used out first, within its entries and bytes', () => {
    const c = new ResponseCache({ maxEntries: 3, maxBytes: 1000 });
    const a = {};
    const b = {};
    c.set(a, '/x', body(10), 'text/html', 'e1');
    c.set(b, '/x', body(20), 'text/html', 'e2');
    expect(c.get(a, '/x')?.etag).toBe('e1');
    expect(c.get(b, '/x')?.etag).toBe('e2'); // the same address in another scope is another answer
    c.set(a, '/y', body(10), 'text/html', 'e3');
    c.get(a, '/x'); // used: b's /x is now the oldest
    c.set(a, '/z', body(10), 'text/html', 'e4');
    expect(c.get(b, '/x')).toBeUndefined();
    expect(c.size).toEqual({ entries: 3, bytes: 30 });
    c.set(a, '/big', body(240), 'text/html', 'e5'); // within a quarter of the bytes: kept
    c.set(a, '/w', body(240), 'text/html', 'e6');
    c.set(a, '/v', body(240), 'text/html', 'e7');
    c.set(a, '/u', body(240), 'text/html', 'e8');
    expect(c.size.bytes).toBeLessThanOrEqual(1000);
    expect(c.size.entries).toBeLessThanOrEqual(3);
    expect(c.set(a, '/huge', body(251), 'text/html', 'e9').etag).toBe('e9'); // too large: given back, not kept
    expect(c.get(a, '/huge')).toBeUndefined();
  });

  test('a dropped scope keeps nothing, then or later', () => {
    const c = new ResponseCache();
    const a = {};
    const b = {};
    c.set(a, '/x', body(10), 'text/html', 'e1');
    c.set(b, '/x', body(10), 'text/html', 'e2');
    c.drop(a);
    expect(c.get(a, '/x')).toBeUndefined();
    expect(c.get(b, '/x')?.etag).toBe('e2');
    c.set(a, '/x', body(10), 'text/html', 'e3'); // an answer made while its analysis was retired
    expect(c.get(a, '/x')).toBeUndefined();
    expect(c.size).toEqual({ entries: 1, bytes: 10 });
  });
});

interface Served {
  root: string;
  cache: AnalysisCache;
  base: string;
  server: Server;
}

const open: Served[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) {
    await new Promise<void>((done) => {
      s.server.close(() => done());
      s.server.closeAllConnections();
    });
    await s.cache.close();
    rmSync(s.root, { recursive: true, force: true });
  }
});

async function serve(listingTtlMs: number): Promise<Served> {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-answers-'));
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(root, 'refused.pcap'));
  mkdirSync(join(root, 'nested'));
  copyFileSync(join(SAMPLES, 'rst-abort.pcap'), join(root, 'nested', 'rst-abort.pcap'));
  const cache = new AnalysisCache();
  const app = createApp({ root, maxUploadBytes: 1 << 20, host: '127.0.0.1', port: 0, pageWaitMs: 5000, listingTtlMs }, cache);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const s = { root, cache, server, base: `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}` };
  open.push(s);
  return s;
}

/** A GET with node's own client (fetch asks for no-cache, which never gets a 304). */
function get(s: Served, path: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string; type: string; body: Buffer }> {
  const url = new URL(path, s.base);
  return new Promise((done, fail) => {
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, etag: String(res.headers.etag ?? ''), type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** The weak ETag express (jshttp/etag) gives a body: W/"length in hex-sha1 in base64, 27 characters". */
function expressEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
}

async function listed(s: Served): Promise<string[]> {
  const r = await get(s, '/api/captures');
  return ((JSON.parse(r.body.toString()) as { captures: { path: string }[] }).captures).map((c) => c.path).sort();
}

test('every page type: the kept answer is the one made the first time, with the ETag express gives it, and 304 when it matches', async () => {
  const s = await serve(60_000);
  const pages = ['/', '/api/captures', '/c/refused.pcap', '/api/c/refused.pcap', '/c/refused.pcap?view=connections&sort=duration&order=desc', '/api/c/refused.pcap?view=connections&state=closed', '/c/refused.pcap?view=conn&id=1', '/api/c/refused.pcap?view=conn&id=1', '/c/refused.pcap?view=anomalies', '/api/c/refused.pcap?view=anomalies'];
  for (const path of pages) {
    const first = await get(s, path);
    expect(first.status, path).toBe(200);
    expect(first.etag, path).toBe(expressEtag(first.body));
    expect(first.type, path).toMatch(path.startsWith('/api/') ? /^application\/json; charset=utf-8$/ : /^text\/html; charset=utf-8$/);
    const again = await get(s, path);
    expect([again.status, again.etag, again.type], path).toEqual([200, first.etag, first.type]);
    expect(again.body.equals(first.body), path).toBe(true);
    expect((await get(s, path, { 'if-none-match': first.etag })).status, path).toBe(304);
  }
  // Each page was kept once (so the second answers above were the kept ones).
  expect(s.cache.answers.size.entries).toBe(pages.length);
});

test("a capture changed on disk gets its pages made afresh, and the old analysis's answers go", async () => {
  const s = await serve(60_000);
  const path = join(s.root, 'changing.pcap');
  copyFileSync(join(SAMPLES, 'refused.pcap'), path);
  const before = (await get(s, '/c/changing.pcap')).body.toString();
  const kept = s.cache.answers.size.entries;
  copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), path);
  const after = (await get(s, '/c/changing.pcap')).body.toString();
  expect(after).not.toBe(before);
  expect(after).toContain('303');
  // The old analysis's overview left with it; the new one's is kept.
  expect(s.cache.answers.size.entries).toBe(kept);
});

test('the listing, kept a long while here, still shows an upload, a file copied in, and a file removed, at once', async () => {
  const s = await serve(3_600_000);
  expect(await listed(s)).toEqual(['nested/rst-abort.pcap', 'refused.pcap']);
  const html = (await get(s, '/')).body.toString();
  expect(html).toContain('href="/c/refused.pcap"');

  const form = new FormData();
  form.append('capture', new Blob([new Uint8Array(Buffer.from(await (await import('node:fs/promises')).readFile(join(SAMPLES, 'half-close.pcap'))))]), 'up.pcap');
  const up = await fetch(new URL('/api/upload', s.base), { method: 'POST', body: form });
  expect(up.status).toBe(201);
  const uploaded = ((await up.json()) as { url: string }).url.replace(/^\/c\//, '');
  expect(await listed(s)).toContain(decodeURIComponent(uploaded));
  expect((await get(s, '/')).body.toString()).toContain(`href="/c/${uploaded}"`);
  // A second upload lands in a folder that already holds one.
  const again = await fetch(new URL('/api/upload', s.base), { method: 'POST', body: form });
  const second = ((await again.json()) as { url: string }).url.replace(/^\/c\//, '');
  expect(await listed(s)).toContain(decodeURIComponent(second));

  copyFileSync(join(SAMPLES, 'fin-retransmitted.pcap'), join(s.root, 'nested', 'copied.pcap'));
  expect(await listed(s)).toContain('nested/copied.pcap');
  rmSync(join(s.root, 'refused.pcap'));
  expect(await listed(s)).not.toContain('refused.pcap');
  expect((await get(s, '/')).body.toString()).not.toContain('href="/c/refused.pcap"');
});

test('a capture put in a folder the listing did not watch (it held none) shows once the listing is older than its time', async () => {
  const s = await serve(200);
  expect(await listed(s)).toEqual(['nested/rst-abort.pcap', 'refused.pcap']);
  mkdirSync(join(s.root, 'nested', 'deeper'));
  // The new folder changed nested/'s time: listed at once.
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(s.root, 'nested', 'deeper', 'a.pcap'));
  expect(await listed(s)).toContain('nested/deeper/a.pcap');
  mkdirSync(join(s.root, 'empty'));
  await listed(s); // the listing now knows empty/ as a folder of the root, not as one of its own
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(s.root, 'empty', 'b.pcap'));
  let seen = false;
  for (let i = 0; i < 100 && !seen; i++) {
    seen = (await listed(s)).includes('empty/b.pcap');
    if (!seen) await new Promise((r) => setTimeout(r, 50));
  }
  expect(seen).toBe(true);
});
