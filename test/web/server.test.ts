/**
 * The web viewer's routes against a real server listening on 127.0.0.1 (port 0: any free port).
 * Traversal attempts (plain, encoded, double-encoded, through symlinks) are refused; capture
 * strings are escaped; uploads are checked, capped and never overwrite; errors carry no stack.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { generateBenchCapture } from '../../bench/generate.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { explanation } from '../../src/analysis/anomaly-ids.js';
import { listen, parseSize, type Viewer } from '../../src/web/server.js';
import { runCli, SAMPLES } from '../support/cli.js';
import { HOSTILE, servedFolder } from '../support/served.js';

describe('tcplens serve: routes on loopback', () => {
  let viewer: Viewer;
  let root: string;
  /** Fetches `path`; an /api answer of 202 (analysis still running) is polled until it is final. */
  const get = async (path: string, init?: RequestInit): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(new URL(path, viewer.url), { redirect: 'manual', ...init });
      if (response.status !== 202 || attempt >= 200) return response;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    root = servedFolder().root;
    viewer = await listen({ root, maxUploadBytes: 64 * 1024, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await viewer.close();
  });

  test('binds to 127.0.0.1 by default and lists the captures with size and date', async () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const body = (await (await get('/api/captures')).json()) as { captures: { path: string; size: number; modified: string }[] };
    expect(body.captures.map((c) => c.path).sort()).toEqual(['fin-retransmitted.pcap', 'nested/syn flood.pcapng', 'odd<img src=y>.pcapng']);
    expect(body.captures.every((c) => c.size > 0 && !Number.isNaN(Date.parse(c.modified)))).toBe(true);
    const html = await (await get('/')).text();
    expect(html).toContain('href="/c/nested/syn%20flood.pcapng"');
  });

  test('anomalies come a page at a time: the capture-wide finding first, then every connection finding once', async () => {
    // 450 lone SYNs to one port: a syn-flood, and an unanswered-syn on each connection.
    const dir = mkdtempSync(join(tmpdir(), 'tcplens-anomaly-pages-'));
    generateManyConnections(join(dir, 'flood.pcap'), 450, 1000, 'unanswered');
    const own = await listen({ root: dir, maxUploadBytes: 1024, host: '127.0.0.1', port: 0 });
    try {
      const fetchJson = async (path: string): Promise<Page> => {
        for (;;) {
          const r = await fetch(new URL(path, own.url));
          if (r.status === 200) return (await r.json()) as Page;
          await r.body?.cancel();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      type Page = { total: number; page: number; pages: number; anomalies: { id: string; conn: number | null; frame: number }[] };
      const first = await fetchJson('/api/c/flood.pcap?view=anomalies');
      expect([first.total, first.pages]).toEqual([451, 3]);
      expect(first.anomalies[0]).toMatchObject({ id: 'syn-flood', conn: null });
      const all = [...first.anomalies];
      for (let p = 2; p <= first.pages; p++) all.push(...(await fetchJson(`/api/c/flood.pcap?view=anomalies&page=${p}`)).anomalies);
      expect(all).toHaveLength(451);
      expect(all.slice(1).map((a) => a.conn)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
      expect(new Set(all.slice(1).map((a) => a.id))).toEqual(new Set(['unanswered-syn']));
      const html = await (await fetch(new URL('/c/flood.pcap?view=anomalies&page=2', own.url))).text();
      expect(html).toContain('451 findings; page 2 of 3');
      expect(html).toContain('view=anomalies&amp;page=1');
      expect(html).toContain('view=anomalies&amp;page=3');
    } finally {
      await own.close();
    }
  });

  test('every page has a JSON twin: overview, connections (filtered, sorted, paged), a connection, anomalies', async () => {
    const base = '/api/c/nested/syn%20flood.pcapng';
    const overview = (await (await get(base)).json()) as { connections: number; captureWide: { id: string }[] };
    expect(overview.connections).toBe(303);
    expect(overview.captureWide.map((a) => a.id)).toEqual(['syn-flood']);
    const page = (await (await get(`${base}?view=connections&state=syn_recv&sort=id&order=desc&page=2`)).json()) as { matched: number; pages: number; page: number; connections: { id: number }[] };
    expect([page.matched, page.pages, page.page, page.connections.length]).toEqual([300, 3, 2, 100]);
    expect(page.connections[0]!.id).toBeGreaterThan(page.connections[1]!.id);
    const conn = (await (await get(`${base}?view=conn&id=1`)).json()) as { connection: { id: number }; segments: unknown[] };
    expect([conn.connection.id, conn.segments.length]).toEqual([1, 4]);
    const anomalies = (await (await get('/api/c/fin-retransmitted.pcap?view=anomalies')).json()) as { anomalies: { id: string; conn: number }[] };
    expect(anomalies.anomalies.map((a) => [a.id, a.conn])).toEqual([['retransmission-timeout', 1], ['fin-retransmitted', 1]]);
    const pageHtml = await (await get('/c/fin-retransmitted.pcap?view=conn&id=1')).text();
    expect(pageHtml).toContain('id="tcplens-conn"');
    expect(pageHtml).toContain('received ACK of its FIN');
  });

  test("a connection's page links its packets; the download is `tcplens slice --conn ID`'s output, named conn-ID.pcapng", async () => {
    const html = await (await get('/c/nested/syn%20flood.pcapng?view=conn&id=2')).text();
    expect(html).toContain('href="/c/nested/syn%20flood.pcapng?view=packets&amp;id=2"');
    const r = await get('/c/nested/syn%20flood.pcapng?view=packets&id=2');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="conn-2.pcapng"');
    const body = Buffer.from(await r.arrayBuffer());
    const out = join(mkdtempSync(join(tmpdir(), 'tcplens-download-')), 'conn-2.pcapng');
    const run = await runCli(['slice', join(SAMPLES, 'syn-flood.pcapng'), '--conn', '2', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/wrote 2 frames of 1 TCP connection/);
    expect(body).toEqual(readFileSync(out));
    const pcap = await get('/api/c/fin-retransmitted.pcap?view=packets&id=1');
    expect(pcap.headers.get('content-disposition')).toBe('attachment; filename="conn-1.pcap"');
    expect(Buffer.from(await pcap.arrayBuffer())).toEqual(readFileSync(join(SAMPLES, 'fin-retransmitted.pcap')));
    expect((await get('/c/fin-retransmitted.pcap?view=packets&id=9')).status).toBe(404);
  });

  test('a second visit is served from the cache; a changed file is analysed again', async () => {
    const path = join(root, 'changing.pcap');
    copyFileSync(join(SAMPLES, 'refused.pcap'), path);
    const first = (await (await get('/api/c/changing.pcap')).json()) as { connections: number };
    expect(first.connections).toBe(1);
    copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), path);
    const second = (await (await get('/api/c/changing.pcap')).json()) as { connections: number };
    expect(second.connections).toBe(303);
  });

  test.each([
    '/c/../../../../etc/passwd',
    '/c/..%2f..%2f..%2fetc%2fpasswd',
    '/c/%2e%2e/%2e%2e/etc/passwd',
    '/c/nested/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/c/%252e%252e%252fetc%252fpasswd',
    '/c//etc/passwd',
    '/c/%2Fetc%2Fpasswd',
    '/c/link-to-outside.pcap',
    '/c/dir-link/secret.pcap',
    '/api/c/link-to-outside.pcap',
    '/c/fin-retransmitted.pcap%00.txt',
  ])('refuses %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).not.toContain('root:x:0');
    expect(text).not.toMatch(/\n\s+at /);
  });

  test('the overview explains each anomaly with the sentences every report uses, and carries the analysis\'s warnings', async () => {
    const html = await (await get('/c/nested/syn%20flood.pcapng')).text();
    const sentence = explanation('syn-flood').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(sentence.length).toBeGreaterThan(100);
    expect(html).toContain(sentence.slice(0, 100));
    const json = (await (await get('/api/c/nested/syn%20flood.pcapng')).json()) as { warnings: unknown[] };
    expect(json.warnings).toEqual([]);
  });

  test('strings from a capture are escaped in every page', async () => {
    const base = `/c/${encodeURIComponent('odd<img src=y>.pcapng')}`;
    const overview = await (await get(base)).text();
    expect(overview).toContain('&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;&lt;script&gt;');
    expect(overview).not.toContain(HOSTILE);
    expect(overview).toContain('odd&lt;img src=y&gt;.pcapng');
    const list = await (await get('/')).text();
    expect(list).not.toContain('<img src=y>');
    const conn = await (await get(`${base}?view=conn&id=1`)).text();
    expect(conn).not.toContain('</script><b>');
  });

  test('security headers: a content security policy without inline script, no framing', async () => {
    const res = await get('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  test('uploads: checked by magic number, analysed on arrival, never overwritten', async () => {
    const send = async (name: string, bytes: Buffer) => {
      const form = new FormData();
      form.append('capture', new Blob([new Uint8Array(bytes)]), name);
      return get('/api/upload', { method: 'POST', body: form });
    };
    const sample = readFileSync(join(SAMPLES, 'refused.pcap'));
    const a = await send('same.pcap', sample);
    const b = await send('same.pcap', sample);
    expect([a.status, b.status]).toEqual([201, 201]);
    const urls = [((await a.json()) as { url: string }).url, ((await b.json()) as { url: string }).url];
    expect(urls[0]).not.toBe(urls[1]);
    expect(readdirSync(join(root, '.tcplens-uploads'))).toHaveLength(2);
    const overview = (await (await get(`/api${urls[0]}`)).json()) as { connections: number };
    expect(overview.connections).toBe(1);

    const notCapture = await send('notes.pcap', Buffer.from('these are notes, not packets\n'));
    expect(notCapture.status).toBe(400);
    expect(((await notCapture.json()) as { error: string }).error).toBe("notes.pcap is not a capture file: tcplens reads pcap, pcapng and snoop files, and their gzip'd forms.");
    expect(readdirSync(join(root, '.tcplens-uploads'))).toHaveLength(2);

    const tooBig = await send('big.pcap', Buffer.concat([sample, Buffer.alloc(70 * 1024)]));
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: string }).error).toContain('larger than the 64 KB limit');

    const page = await get('/upload', { method: 'POST', body: (() => { const f = new FormData(); f.append('capture', new Blob([Buffer.from('GIF89a')]), 'x.gif'); return f; })() });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('x.gif is not a capture file');
    expect(html).not.toMatch(/\n\s+at /);
  });

  test('unknown pages and bad queries answer without a stack trace', async () => {
    for (const [path, status] of [['/nothing', 404], ['/c/fin-retransmitted.pcap?view=conn&id=99', 404], ['/c/fin-retransmitted.pcap?view=connections&state=sleepy', 400], ['/api/c/fin-retransmitted.pcap?view=bogus', 400]] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect(await res.text()).not.toMatch(/\n\s+at |Error:/);
    }
  });
});

test('a large capture shows its progress while it is analysed, then its overview', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-serve-big-'));
  generateBenchCapture(join(root, 'big.pcap'), 120e6);
  const viewer = await listen({ root, maxUploadBytes: 1 << 20, host: '127.0.0.1', port: 0, pageWaitMs: 0 });
  try {
    const first = await fetch(new URL('/api/c/big.pcap', viewer.url));
    expect(first.status).toBe(202);
    const p = (await first.json()) as { state: string; percent: number; totalBytes: number };
    // Waiting for a thread of the analysis pool, or already on one (web/cache.ts).
    expect(['queued', 'running']).toContain(p.state);
    expect(p.totalBytes).toBeGreaterThan(100e6);
    const page = await fetch(new URL('/c/big.pcap', viewer.url));
    expect(page.status).toBe(202);
    expect(await page.text()).toContain('<meta http-equiv="refresh" content="1">');
    let status = 202;
    /** Polls that saw the analysis running with some bytes read and not yet all of them. */
    let midway = 0;
    while (status === 202) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await fetch(new URL('/api/c/big.pcap', viewer.url));
      status = r.status;
      const body = (await r.json()) as { state?: string; bytesRead?: number };
      // Once the last byte is read the records are still being made: bytesRead = totalBytes, still 202.
      const read = body.bytesRead ?? 0;
      if (status === 202 && body.state === 'running' && read > 0 && read < p.totalBytes) midway++;
    }
    expect(status).toBe(200);
    // The worker's progress reached the pages: some bytes read, not yet all of them.
    expect(midway).toBeGreaterThan(0);
  } finally {
    await viewer.close();
  }
}, 300_000);

test('upload sizes are read as people write them', () => {
  expect([parseSize('512MB'), parseSize('64 KB'), parseSize('2g'), parseSize('100'), parseSize('lots')]).toEqual([512 * 1024 ** 2, 64 * 1024, 2 * 1024 ** 3, 100, null]);
});
