/**
 * `tcplens audit` over folders of good, gzip'd and damaged captures: discovery by magic number,
 * one line per file, the summary, exit codes (0, 1 with --fail-on, 3 for an unreadable file),
 * --jobs, --html with an index, and the whole corpus without a crash.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
    expect(run.stdout).toContain(`${join(dir, 'nested', 'deeper', 'mfa.pcap.gz')}: 9 packets, 1 TCP connection, missing-final-ack×1`);
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
    expect(run.stdout).toMatch(/damaged\.pcap: 1 packet, .*stopped early: at byte \d+: record 2: captured length 2147483647/);
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
    expect(run.stdout).toContain('linked.pcap: 2 packets, 1 TCP connection, rst-refused×1');
  });

  test('a missing path is a usage error', async () => {
    const run = await runCli(['audit', '/nonexistent/captures']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file, folder or matching glob: /nonexistent/captures');
  });

  describe('no capture skipped in silence', () => {
    test('capture-named files that are no captures are errors (exit 3); other files are skipped and counted', async () => {
      const dir = folder(false);
      writeFileSync(join(dir, 'empty.pcap'), '');
      writeFileSync(join(dir, 'text.cap'), 'GET / HTTP/1.1\r\n');
      writeFileSync(join(dir, 'random.pcapng'), randomBytes(300));
      writeFileSync(join(dir, 'zero-bytes'), '');
      const run = await runCli(['audit', dir]);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(`${join(dir, 'empty.pcap')}: could not be read: at byte 0: the file is empty`);
      expect(run.stdout).toMatch(/text\.cap: could not be read: at byte 0: not a capture file/);
      expect(run.stdout).toMatch(/random\.pcapng: could not be read: at byte 0: not a capture file/);
      expect(run.stdout).toContain('6 files, 631 packets');
      // notes.txt, logs.gz (gzip'd text) and zero-bytes: not named like captures, so skipped, but counted.
      expect(run.stdout).toContain('3 files skipped: not captures');
      expect(run.stdout).not.toContain('zero-bytes');
      const verbose = await runCli(['audit', dir, '--verbose']);
      expect(verbose.stdout).toContain(`skipped ${join(dir, 'zero-bytes')}: empty`);
      expect(verbose.stdout).toContain(`skipped ${join(dir, 'notes.txt')}: not a capture (magic number)`);
      const json = JSON.parse((await runCli(['audit', dir, '-f', 'json'])).stdout);
      expect(json.summary.skipped.map((s: { file: string }) => s.file).sort()).toEqual(['logs.gz', 'notes.txt', 'zero-bytes'].map((f) => join(dir, f)));
    });

    test('a missing path or a dangling link among several is that path\'s error; the rest is audited', async () => {
      const dir = folder(false);
      symlinkSync(join(dir, 'gone.pcap'), join(dir, 'dangling.pcap'));
      symlinkSync(join(dir, 'gone.txt'), join(dir, 'dangling.txt'));
      const run = await runCli(['audit', join(dir, 'good.pcap'), '/nonexistent/x.pcap', join(dir, 'dangling.pcap'), join(dir, 'nested')]);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('/nonexistent/x.pcap: could not be read: no such file, folder or matching glob');
      expect(run.stdout).toContain(`${join(dir, 'dangling.pcap')}: could not be read: dangling symbolic link (ENOENT)`);
      expect(run.stdout).toContain(`${join(dir, 'good.pcap')}: 10 packets`);
      expect(run.stdout).toContain('syn-flood×1');
      expect(run.stdout).toContain('5 files, ');
      // Inside a folder: a dangling link named like a capture is an error, any other is skipped and counted.
      const walked = await runCli(['audit', dir, '--verbose']);
      expect(walked.code).toBe(3);
      expect(walked.stdout).toContain(`${join(dir, 'dangling.pcap')}: could not be read: dangling symbolic link (ENOENT)`);
      expect(walked.stdout).toContain(`skipped ${join(dir, 'dangling.txt')}: dangling symbolic link (ENOENT)`);
    });

    test.skipIf(process.platform === 'win32')('a FIFO named explicitly without a writer is its error, not a hang', async () => {
      const dir = folder(false);
      const fifo = join(dir, 'pipe.pcap');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const run = await runCli(['audit', fifo, join(dir, 'good.pcap')]);
      expect(run.code).toBe(3);
      expect(run.stdout).toContain(`${fifo}: could not be read: a FIFO (named pipe), not a capture file`);
      expect(run.stdout).toContain(`${join(dir, 'good.pcap')}: 10 packets`);
      const walked = await runCli(['audit', dir]);
      expect(walked.stdout).toContain(`${fifo}: could not be read: a FIFO (named pipe), not a capture file`);
    });

    // Fails (exit 70) until the robustness fix for gzip files over 1 MiB whose decompressed start is
    // rejected lands in src/capture/; the lead re-enables it after merging that fix.
    test('a gzip capture over 1 MiB whose start is rejected is that file\'s error', async () => {
      const dir = folder(false);
      const inner = Buffer.concat([Buffer.from('not a capture at all'), randomBytes(2 * 1024 * 1024)]);
      writeFileSync(join(dir, 'big.pcap.gz'), gzipSync(inner));
      const run = await runCli(['audit', dir]);
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/big\.pcap\.gz: could not be read: .*not a capture file/);
      expect(run.stdout).toContain(`${join(dir, 'good.pcap')}: 10 packets`);
    });
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
