/**
 * The viewer against hostile requests and hostile files: malformed percent-encoding and
 * multipart bodies are 400, cross-site uploads 403, foreign Host headers (DNS rebinding) 403, a
 * file that is not a capture 404; a capture that breaks the analysis is that capture's error
 * page and the viewer goes on serving. Raw http.request is used where fetch would fix up the
 * request (Host, Origin, malformed paths).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AnalysisCache } from '../../src/web/cache.js';
import { allowedHost, hostOf } from '../../src/web/guards.js';
import { createApp, listen, type Viewer } from '../../src/web/server.js';
import { CLI, SAMPLES } from '../support/cli.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, setHost: headers['Host'] === undefined }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart/form-data body with the capture in the field "capture". */
function form(bytes: Buffer, name = 'up.pcap'): { headers: Record<string, string>; body: Buffer } {
  const boundary = 'tcplens-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="capture"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body };
}

/** The crashing input: a gzip'd pcap of version 9.9, larger than one read chunk. */
function crashingInput(): Buffer {
  const noise = Buffer.alloc(3 << 20);
  let x = 99;
  for (let i = 0; i < noise.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    noise[i] = x >>> 24;
  }
  return gzipSync(Buffer.concat([Buffer.from('d4c3b2a109000900', 'hex'), noise]), { level: 1 });
}

describe('the viewer against hostile requests', () => {
  let viewer: Viewer;
  let root: string;
  const bad = crashingInput();

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tcplens-hostile-'));
    copyFileSync(join(SAMPLES, 'refused.pcap'), join(root, 'refused.pcap'));
    writeFileSync(join(root, 'bad.pcap.gz'), bad);
    writeFileSync(join(root, 'notes.txt'), 'password=hunter2 <script>x</script>\n');
    viewer = await listen({ root, maxUploadBytes: 8 << 20, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await viewer.close();
  });

  test.each([
    ['/c/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd'],
    ['/c/%'],
    ['/c/a%zz.pcap'],
    ['/api/c/%'],
  ])('malformed percent-encoding %s is 400, without a stack trace', async (path) => {
    const a = await raw(viewer.url, 'GET', path);
    expect(a.status).toBe(400);
    expect(a.body).toContain('not valid percent-encoding');
    expect(a.body).not.toMatch(/URIError|\n\s+at /);
    if (path.startsWith('/api/')) expect(JSON.parse(a.body)).toEqual({ error: 'The address is not valid percent-encoding.', status: 400 });
  });

  test.each([
    ['a form cut before its end', { 'Content-Type': 'multipart/form-data; boundary=xyz' }, '--xyz\r\nContent-Disposition: form-data; name="capture"; filename="a.pcap"\r\n\r\nabc'],
    ['a form without a boundary', { 'Content-Type': 'multipart/form-data' }, 'garbage'],
    ['a part without headers', { 'Content-Type': 'multipart/form-data; boundary=xyz' }, '--xyz\r\n\r\n\r\n--xyz--'],
  ])('malformed multipart (%s) is 400, and nothing is stored', async (_name, headers, body) => {
    const a = await raw(viewer.url, 'POST', '/api/upload', headers, body);
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body).error).toMatch(/not a readable form|No file was uploaded/);
    let stored: string[] = [];
    try {
      stored = readdirSync(join(root, '.tcplens-uploads'));
    } catch {
      stored = [];
    }
    expect(stored.filter((f) => !f.includes('up'))).toEqual([]);
  });

  test('a cross-site upload is 403 (Origin of another site, or Sec-Fetch-Site: cross-site); the viewer\'s own is accepted', async () => {
    const sample = readFileSync(join(SAMPLES, 'refused.pcap'));
    const host = new URL(viewer.url).host;
    const tries: [Record<string, string>, number][] = [
      [{ Origin: 'http://evil.example' }, 403],
      [{ Origin: 'null' }, 403],
      [{ Origin: `http://${host}.evil.example` }, 403],
      [{ 'Sec-Fetch-Site': 'cross-site' }, 403],
      [{ 'Sec-Fetch-Site': 'same-site' }, 403],
      [{ Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' }, 403],
      [{ Origin: `http://${host}` }, 303],
      // Chromium's own form post under Referrer-Policy no-referrer.
      [{ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }, 303],
    ];
    for (const [headers, status] of tries) {
      const f = form(sample);
      const a = await raw(viewer.url, 'POST', '/upload', { ...f.headers, ...headers }, f.body);
      expect(a.status, JSON.stringify(headers)).toBe(status);
      if (status === 403) expect(a.body).toContain('only from the viewer&#39;s own pages');
    }
    expect(readdirSync(join(root, '.tcplens-uploads'))).toHaveLength(2);
  });

  test('a Host that is not the viewer\'s address or localhost is refused (DNS rebinding)', async () => {
    const port = new URL(viewer.url).port;
    for (const [hostHeader, status] of [
      [`evil.example:${port}`, 403],
      ['evil.example', 403],
      [`127.0.0.1.evil.example:${port}`, 403],
      [`localhost:${port}`, 200],
      [`127.0.0.1:${port}`, 200],
    ] as const) {
      const a = await raw(viewer.url, 'GET', '/api/captures', { Host: hostHeader });
      expect(a.status, hostHeader).toBe(status);
      if (status === 403) expect(a.body).not.toContain('refused.pcap');
    }
  });

  test('a file under DIR that is not a capture is 404, its bytes never quoted', async () => {
    for (const path of ['/c/notes.txt', '/api/c/notes.txt', '/c/notes.txt?view=connections']) {
      const a = await raw(viewer.url, 'GET', path);
      expect(a.status, path).toBe(404);
      expect(a.body).not.toContain('hunter2');
    }
  });

  test('the crashing input is that capture\'s error page, by GET and by upload; the viewer goes on', async () => {
    let a: Answer;
    do a = await raw(viewer.url, 'GET', '/api/c/bad.pcap.gz');
    while (a.status === 202);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body).error).toBe('at byte 4 of the decompressed capture: unsupported pcap savefile version 9.9 (tcplens reads 2.0 to 2.4)');
    const page = await raw(viewer.url, 'GET', '/c/bad.pcap.gz');
    expect(page.body).toContain('unsupported pcap savefile version 9.9');

    const f = form(bad, 'bad.pcap.gz');
    const up = await raw(viewer.url, 'POST', '/api/upload', f.headers, f.body);
    expect(up.status).toBe(201);
    const api = JSON.parse(up.body).api as string;
    do a = await raw(viewer.url, 'GET', api);
    while (a.status === 202);
    expect(JSON.parse(a.body).error).toMatch(/version 9\.9/);
    expect((await raw(viewer.url, 'GET', '/api/c/refused.pcap')).status).toBe(200);
  });
});

test('an analysis that fails is that capture\'s error page (500), and the other pages still answer', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-failing-'));
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(root, 'refused.pcap'));
  // A worker module whose analysis throws, run by the viewer's real pool.
  const workerFile = join(root, 'failing-worker.mjs');
  writeFileSync(workerFile, "export default async function () { throw new Error('the engine fell over'); }\n");
  const cache = new AnalysisCache({}, { workerFile });
  const app = createApp({ root, maxUploadBytes: 1024, host: '127.0.0.1', port: 0 }, cache);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/`;
  try {
    const page = await raw(base, 'GET', '/c/refused.pcap');
    expect(page.status).toBe(500);
    expect(page.body).toContain('tcplens could not analyse refused.pcap: the engine fell over');
    expect(page.body).not.toMatch(/\n\s+at /);
    const api = await raw(base, 'GET', '/api/c/refused.pcap?view=connections');
    expect(api.status).toBe(500);
    expect((await raw(base, 'GET', '/')).status).toBe(200);
  } finally {
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
    await cache.close();
  }
});

test('`tcplens serve` as a process survives the crashing input (stopped by its pid)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-serve-proc-'));
  writeFileSync(join(root, 'bad.pcap.gz'), crashingInput());
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(root, 'refused.pcap'));
  const child = spawn(process.execPath, [CLI, 'serve', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /at (http:\/\/\S+\/)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    let a: Answer;
    do a = await raw(url, 'GET', '/api/c/bad.pcap.gz');
    while (a.status === 202);
    expect(a.status).toBe(200);
    const f = form(readFileSync(join(root, 'bad.pcap.gz')), 'again.pcap.gz');
    expect((await raw(url, 'POST', '/api/upload', f.headers, f.body)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBeNull();
    expect((await raw(url, 'GET', '/api/c/refused.pcap')).status).toBe(200);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
}, 30_000);

describe('host names the viewer answers', () => {
  test('Host headers are read with port and IPv6 brackets', () => {
    expect([hostOf('LocalHost:8080'), hostOf('[::1]:80'), hostOf('example.com.'), hostOf('a b'), hostOf(undefined)]).toEqual(['localhost', '::1', 'example.com', null, null]);
  });
  test.each([
    ['127.0.0.1:8080', '127.0.0.1', true],
    ['localhost', '127.0.0.1', true],
    ['[::1]:8080', '127.0.0.1', true],
    ['evil.example', '127.0.0.1', false],
    ['10.0.0.5:8080', '10.0.0.5', true],
    ['127.0.0.1', '10.0.0.5', false],
    ['10.1.2.3:8080', '0.0.0.0', true],
    ['evil.example:8080', '0.0.0.0', false],
    ['[fe80::1]', '::', true],
  ])('%s to a viewer on %s: %s', (header, listen, ok) => {
    expect(allowedHost(header, listen)).toBe(ok);
  });
});
