/**
 * `tcplens audit` over folders of good, gzip'd and damaged captures: discovery by magic number,
 * one line per file, the summary, exit codes (0, 1 with --fail-on, 3 for an unreadable file),
 * --jobs, --html with an index, and the whole corpus without a crash.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { pcapFile, segment } from '../support/capture-files.js';
import { CORPUS_DIR, HAVE_CORPUS } from '../support/corpus.js';
import { SAMPLES, runCli } from '../support/cli.js';

function folder(withDamage: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-audit-'));
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  copyFileSync(join(SAMPLES, 'handshake-close.pcap'), join(dir, 'good.pcap'));
  copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), join(dir, 'nested', 'flood.cap'));
  writeFileSync(join(dir, 'nested', 'deeper', 'mfa.pcap.gz'), gzipSync(readFileSync(join(SAMPLES, 'missing-final-ack.pcap'))));
  writeFileSync(join(dir, 'notes.txt'), 'not a capture, and not picked up from a folder\n');
  writeFileSync(join(dir, 'logs.gz'), gzipSync(Buffer.from('plain text, gzip\'d')));
  if (withDamage) {
    const bad = pcapFile(3);
    bad.writeUInt32LE(0x7fffffff, 24 + 16 + segment(0).length + 8);
    writeFileSync(join(dir, 'nested', 'damaged.pcap'), bad);
  }
  return dir;
}

describe('tcplens audit', () => {
  test('a clean folder: every capture found by magic number, a line each, a summary, exit 0', async () => {
    const dir = folder(false);
    const run = await runCli(['audit', dir, '--jobs', '2']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith(dir))).toHaveLength(3);
    expect(run.stdout).toContain(`${join(dir, 'nested', 'flood.cap')}: 612 packets, 303 TCP connections, syn-flood×1`);
    expect(run.stdout).toContain(`${join(dir, 'nested', 'deeper', 'mfa.pcap.gz')}: 9 packets, 1 TCP connections, missing-final-ack×1`);
    expect(run.stdout).not.toContain('notes.txt');
    expect(run.stdout).not.toContain('logs.gz');
    expect(run.stdout).toContain('3 files, 631 packets, 305 TCP connections');
  });

  test('--fail-on and --fail-on-severity make the exit code 1', async () => {
    const dir = folder(false);
    expect((await runCli(['audit', dir, '--fail-on', 'missing-final-ack'])).code).toBe(1);
    expect((await runCli(['audit', dir, '--fail-on', 'rst-abort,port-scan'])).code).toBe(0);
    expect((await runCli(['audit', dir, '--fail-on-severity', 'error'])).code).toBe(1);
    const bad = await runCli(['audit', dir, '--fail-on', 'gremlins']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fail-on must name anomaly ids');
  });

  test('a damaged capture does not stop the audit; the exit code is 3 and the summary names it', async () => {
    const dir = folder(true);
    const run = await runCli(['audit', dir, '--jobs', '1', '--fail-on', 'syn-flood']);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('4 files');
    expect(run.stdout).toMatch(/damaged\.pcap: 1 packets, .*stopped early: at byte \d+: record 2: captured length 2147483647/);
    expect(run.stdout).toContain('1 file could not be read to the end:');
  });

  test('json and ndjson for machines; the same results with 1 job and with several', async () => {
    const dir = folder(true);
    const one = JSON.parse((await runCli(['audit', dir, '-f', 'json', '-j', '1'])).stdout);
    const many = JSON.parse((await runCli(['audit', dir, '-f', 'json', '-j', '3'])).stdout);
    const strip = (x: { files: { seconds: number }[] }) => x.files.map((f) => ({ ...f, seconds: 0 }));
    expect(strip(many)).toEqual(strip(one));
    expect(one.summary.unreadable).toHaveLength(1);
    const nd = (await runCli(['audit', dir, '-f', 'ndjson'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(nd.filter((l) => l.type === 'file')).toHaveLength(4);
    expect(nd[nd.length - 1]).toMatchObject({ type: 'summary', files: 4 });
  });

  test('--html writes each report and an index linking them', async () => {
    const dir = folder(false);
    const html = join(dir, 'report');
    const run = await runCli(['audit', dir, '--html', html]);
    expect(run.code).toBe(0);
    const index = readFileSync(join(html, 'index.html'), 'utf8');
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(3);
    for (const l of links) expect(existsSync(join(html, l))).toBe(true);
  });

  test('symbolic links to capture files are followed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcplens-audit-links-'));
    symlinkSync(join(SAMPLES, 'refused.pcap'), join(dir, 'linked.pcap'));
    const run = await runCli(['audit', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('linked.pcap: 2 packets, 1 TCP connections, rst-refused×1');
  });

  test('a missing path is a usage error', async () => {
    const run = await runCli(['audit', '/nonexistent/captures']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file, folder or matching glob: /nonexistent/captures');
  });

  test.skipIf(!HAVE_CORPUS)('the whole corpus: every capture read or reported, never a crash', async () => {
    const run = await runCli(['audit', CORPUS_DIR, '-f', 'json']);
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout);
    expect(doc.summary.files).toBeGreaterThanOrEqual(135);
    for (const u of doc.summary.unreadable as { file: string }[]) {
      expect(u.file).toMatch(/libpcap\/|test901|get-truncated-global-header/);
    }
  });
});
