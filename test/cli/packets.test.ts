/**
 * `tcplens packets` as a user runs it: the built CLI in a child process. The expected values
 * of the sample were read off `tcpdump -nn -r samples/handshake-close.pcap` (README in samples/).
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { pcapFile, segment } from '../support/capture-files.js';
import { SAMPLES, runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-cli-'));
const HANDSHAKE = join(SAMPLES, 'handshake-close.pcap');

describe('tcplens packets', () => {
  test('ndjson: one object per frame with the API field names', async () => {
    const run = await runCli(['packets', HANDSHAKE, '--format', 'ndjson']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(10);
    // tcpdump: 127.0.0.1.40096 > 127.0.0.1.47101: Flags [S], seq 2247594651, win 65495,
    //          options [mss 65495,sackOK,TS val 3857533154 ecr 0,nop,wscale 10], length 0
    expect(lines[0]).toEqual({
      frame: 1,
      ts: expect.stringMatching(/^\d+\.\d{9}$/),
      caplen: 74,
      len: 74,
      linktype: 1,
      iface: 0,
      src: '127.0.0.1',
      dst: '127.0.0.1',
      ipProto: 6,
      sport: 40096,
      dport: 47101,
      seq: 2247594651,
      ack: 0,
      flags: 2,
      tcplen: 0,
      win: 65495,
      opts: { mss: 65495, wscale: 10, sackPerm: true, tsval: 3857533154, tsecr: 0 },
      // tshark -T fields -e tcp.stream -e tcp.window_size: 0, 65495 (a SYN's window is never scaled)
      stream: 0,
      windowSize: 65495,
    });
    // tshark: tcp.window_size 65536 (64 << 10), scale factor 1024, acks frame 2 after 0.000020000 s
    expect(lines[2]).toMatchObject({ stream: 0, windowSize: 65536, windowScaleFactor: 1024, analysis: { acksFrame: 2, ackRtt: '0.000020000' } });
    // tcpdump: 127.0.0.1.47101 > 127.0.0.1.40096: Flags [P.], seq 1:26, ack 19 (relative)
    expect(lines[5]).toMatchObject({ sport: 47101, flags: 0x18, tcplen: 25, ack: 2247594652 + 18 });
    expect(Object.keys(lines[2] ?? {})).not.toContain('issue');
  });

  test('text reads like tcpdump -n with frame numbers', async () => {
    const run = await runCli(['packets', HANDSHAKE]);
    expect(run.code).toBe(0);
    const first = run.stdout.split('\n')[0];
    // Times are ISO 8601 in UTC by default (--time iso, tshark -t ud).
    expect(first).toMatch(/^1 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} IP 127\.0\.0\.1\.40096 > 127\.0\.0\.1\.47101: Flags \[S\], seq 2247594651, win 65495, options \[mss 65495,sackOK,TS val 3857533154 ecr 0,wscale 10\], length 0$/);
  });

  test('- reads standard input (tcpdump -w - | tcplens packets -)', async () => {
    const run = await runCli(['packets', '-', '-f', 'ndjson'], { stdin: readFileSync(HANDSHAKE) });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(10);
  });

  test('a damaged file prints what it read, names the file and offset on stderr, exits 3', async () => {
    const file = pcapFile(3);
    const third = 24 + (16 + segment(0).length) + (16 + segment(1).length);
    file.writeUInt32LE(0x7fffffff, third + 8);
    const path = join(tmp, 'damaged.pcap');
    writeFileSync(path, file);
    const run = await runCli(['packets', path, '-f', 'ndjson']);
    expect(run.code).toBe(3);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
    expect(run.stderr).toContain(`tcplens: error: ${path}: at byte 0x${third.toString(16)} (${third}): record 3: captured length 2147483647`);
    expect(run.stderr).toContain('2 packets read before the error');
  });

  test('not a capture: a clear message and exit 3, no stack trace', async () => {
    const path = join(tmp, 'notes.txt');
    writeFileSync(path, 'these are my notes\n');
    const run = await runCli(['packets', path]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/notes\.txt: at byte 0x0 \(0\): not a capture file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('usage errors exit 2 and name the option', async () => {
    const bad = await runCli(['packets', HANDSHAKE, '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/format/);
    // The command's own help names its options.
    expect(bad.stderr).toContain("Run 'tcplens packets --help' for usage.");
    expect((await runCli(['packets'])).code).toBe(2);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Run 'tcplens --help' for usage.");
  });

  test('--stream, --conn, --host and --port keep the frames of the connections they select, numbered as in the capture', async () => {
    const flood = join(SAMPLES, 'syn-flood.pcapng');
    const all = (await runCli(['packets', flood, '-f', 'ndjson'])).stdout.trim().split('\n');
    const ofStreams = (streams: number[]): string[] => all.filter((l) => streams.includes((JSON.parse(l) as { stream?: number }).stream ?? -1));
    const one = await runCli(['packets', flood, '-f', 'ndjson', '--stream', '300']);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toEqual(ofStreams([300]));
    expect(ofStreams([300]).map((l) => (JSON.parse(l) as { frame: number }).frame)).toEqual([607, 608]);
    const two = await runCli(['packets', flood, '-f', 'ndjson', '--conn', '1,301']);
    expect(two.stdout.trim().split('\n')).toEqual(ofStreams([0, 300]));
    // Every frame of the flood goes to or from port 80 of one server; none from 192.0.2.50 but the first connection's.
    expect((await runCli(['packets', flood, '-f', 'ndjson', '--port', 'http'])).stdout.trim().split('\n')).toEqual(all);
    expect((await runCli(['packets', flood, '-f', 'ndjson', '--host', '192.0.2.50'])).stdout.trim().split('\n')).toEqual(ofStreams([0]));
  });

  test('filters known only at a connection\'s end are refused, naming slice as the way', async () => {
    const run = await runCli(['packets', HANDSHAKE, '--flag', 'retransmission']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('select the frames with slice first');
  });

  test('--help lists the command with examples', async () => {
    const run = await runCli(['packets', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--format');
    expect(run.stdout).toContain('Examples:');
  });

  test('pcap-parser never reaches its deprecated Buffer() constructor, even under --pending-deprecation', async () => {
    // Many records across many 1 MiB chunks: the path where pcap-parser would concatenate.
    const out = collectChunks();
    const w = new PcapWriter(out.sink, { linkType: 1 });
    for (let i = 0; i < 30_000; i++) w.packet(1_700_000_000, i, segment(i % 100));
    const big = out.result();
    const path = join(tmp, 'many.pcap');
    writeFileSync(path, big);
    expect(big.length).toBeGreaterThan(3 << 20);
    const run = await runCli(['packets', path, '-f', 'ndjson'], { nodeArgs: ['--pending-deprecation'] });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/DEP0005|DeprecationWarning/);
    expect(run.stdout.split('\n').length - 1).toBe(30_000);
  });
});
