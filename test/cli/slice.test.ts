/**
 * `tcplens slice` as a user runs it. The output read back by our reader must hold exactly the
 * selected connections' frames, byte for byte (the frames whose connection the engine puts in
 * the selection; tcp.stream is checked against tshark on the corpus elsewhere). Where tshark is
 * installed it is the oracle too: `tshark -r OUT -T fields -e frame.len -e tcp.stream …` must
 * see the same frames as `tshark -r IN -Y "tcp.stream in {…}"` (skipped with a message without it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { readCapture } from '../../src/capture/open-capture.js';
import { analyzeCapture } from '../../src/pipeline.js';
import { CLI, SAMPLES, runCli } from '../support/cli.js';
import { corpusPath, HAVE_CORPUS, SKIP_MESSAGE } from '../support/corpus.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-slice-'));
const BACKLOG = join(SAMPLES, 'kernel', 'listen-backlog.pcap');
const FLOOD = join(SAMPLES, 'syn-flood.pcapng');
const EXAMPLE = corpusPath('pcapplusplus/pcapng-example.pcapng');
const HAVE_TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
if (!HAVE_TSHARK) console.warn('tshark not found: the tshark checks of tcplens slice are skipped (apt-get install tshark)');

/** Every frame's captured bytes (hex), timestamp and original length, in order. */
async function frameBytes(file: string): Promise<string[]> {
  const out: string[] = [];
  const r = await readCapture(file, {
    onFrame: (f) => out.push(`${f.tsSec}.${f.tsNsec} ${f.origLen} ${Buffer.from(f.bytes.subarray(f.start, f.start + f.caplen)).toString('hex')}`),
  });
  expect(r.error).toBeNull();
  return out;
}

/** The frames (as frameBytes gives them) of the connections `pick` chooses from their records, and the tcp.streams they are in. */
async function expected(file: string, pick: (r: { id: number; stream: number; zeekRows: { conn_state: string; history: string }[] }) => boolean): Promise<{ frames: string[]; streams: number[] }> {
  const connOf = new Map<number, number>();
  const chosen = new Set<number>();
  const streams = new Set<number>();
  await analyzeCapture(file, file, {}, {
    collect: false,
    onFrame: (f, _p, conn) => {
      if (conn !== null) connOf.set(f.frame, conn.id);
    },
    onConnection: (r) => {
      if (pick(r)) {
        chosen.add(r.id);
        streams.add(r.stream);
      }
    },
  });
  const all: string[] = [];
  const numbers: number[] = [];
  await readCapture(file, {
    onFrame: (f) => {
      numbers.push(f.frame);
      all.push(`${f.tsSec}.${f.tsNsec} ${f.origLen} ${Buffer.from(f.bytes.subarray(f.start, f.start + f.caplen)).toString('hex')}`);
    },
  });
  return { frames: all.filter((_, i) => chosen.has(connOf.get(numbers[i] as number) ?? -1)), streams: [...streams].sort((a, b) => a - b) };
}

function tshark(args: string[]): string[] {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** tshark sees exactly the input's frames of these streams in the output, each of them TCP. */
function expectTsharkAgrees(input: string, output: string, streams: number[]): void {
  const want = tshark(['-r', input, '-Y', `tcp.stream in {${streams.join(',')}}`, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'tcp.seq_raw']);
  const got = tshark(['-r', output, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'tcp.seq_raw', '-e', 'tcp.stream']);
  expect(got.map((l) => l.split('\t').slice(0, 4).join('\t'))).toEqual(want);
  expect(new Set(got.map((l) => l.split('\t')[4])).size).toBe(streams.length);
  expect(got.every((l) => /^\d+$/.test(l.split('\t')[4] ?? ''))).toBe(true);
}

/** Runs the CLI with binary standard output. */
function runBinary(args: string[], stdin: Buffer): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

describe('tcplens slice', () => {
  test('pcap, --stream: the file header as it was and exactly the frames of those streams', async () => {
    const out = join(tmp, 'backlog-1-3.pcap');
    const run = await runCli(['slice', BACKLOG, '--stream', '1', '--stream', '3', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const want = await expected(BACKLOG, (r) => r.stream === 1 || r.stream === 3);
    expect(want.frames.length).toBeGreaterThan(3);
    expect(await frameBytes(out)).toEqual(want.frames);
    expect(readFileSync(out).subarray(0, 24)).toEqual(readFileSync(BACKLOG).subarray(0, 24));
    expect(run.stderr).toBe(`tcplens: wrote ${want.frames.length} frames of 2 TCP connections to ${out}\n`);
    if (HAVE_TSHARK) expectTsharkAgrees(BACKLOG, out, [1, 3]);
  });

  test('pcapng, a filter known only at the end (--history-has AD): the connections whose Zeek history has A and D', async () => {
    const out = join(tmp, 'flood-ad.pcapng');
    const run = await runCli(['slice', FLOOD, '--history-has', 'AD', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const want = await expected(FLOOD, (r) => r.zeekRows.some((z) => z.history.includes('A') && z.history.includes('D')));
    expect(want.streams).toHaveLength(3);
    expect(await frameBytes(out)).toEqual(want.frames);
    if (HAVE_TSHARK) expectTsharkAgrees(FLOOD, out, want.streams);
  });

  test('pcap, --conn-state s0 (any case): the two connection attempts Zeek calls S0', async () => {
    const out = join(tmp, 'backlog-s0.pcap');
    const run = await runCli(['slice', BACKLOG, '--conn-state', 's0', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const want = await expected(BACKLOG, (r) => r.zeekRows.some((z) => z.conn_state === 'S0'));
    expect(want.streams).toEqual([2, 3]);
    expect(await frameBytes(out)).toEqual(want.frames);
    if (HAVE_TSHARK) expectTsharkAgrees(BACKLOG, out, want.streams);
  });

  test.skipIf(!HAVE_CORPUS)('pcapng from the corpus with comments and two interfaces: they are kept, the frames are those of the streams', async () => {
    const out = join(tmp, 'example.pcapng');
    const run = await runCli(['slice', EXAMPLE, '--stream', '3', '--stream', '7', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const want = await expected(EXAMPLE, (r) => r.stream === 3 || r.stream === 7);
    expect(await frameBytes(out)).toEqual(want.frames);
    if (HAVE_TSHARK) {
      expectTsharkAgrees(EXAMPLE, out, [3, 7]);
      // capinfos: the section comment and both interfaces, as in the input.
      const info = (f: string): string[] => spawnSync('capinfos', ['-M', f], { encoding: 'utf8' }).stdout.split('\n').filter((l) => /Capture comment|Number of interfaces|Encapsulation = /.test(l));
      expect(info(out)).toEqual(info(EXAMPLE));
      expect(info(out).join('\n')).toMatch(/Number of interfaces in file: 2/);
      // Packet comments travel with their packets.
      const comments = tshark(['-r', out, '-T', 'fields', '-e', 'frame.comment']).filter((l) => l !== '');
      expect(comments).toEqual(tshark(['-r', EXAMPLE, '-Y', 'tcp.stream in {3,7}', '-T', 'fields', '-e', 'frame.comment']).filter((l) => l !== ''));
      expect(comments.length).toBeGreaterThan(0);
    }
  });
  test.skipIf(!HAVE_CORPUS)('a Solaris snoop file from the corpus: its header and the stream\'s records, readable by tshark', async () => {
    const input = corpusPath('pcapplusplus/solaris.snoop');
    const out = join(tmp, 'solaris-0.snoop');
    const run = await runCli(['slice', input, '--stream', '0', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    const want = await expected(input, (r) => r.stream === 0);
    expect(want.frames.length).toBeGreaterThan(10);
    expect(await frameBytes(out)).toEqual(want.frames);
    expect(readFileSync(out).subarray(0, 16)).toEqual(readFileSync(input).subarray(0, 16));
    if (HAVE_TSHARK) expectTsharkAgrees(input, out, [0]);
  });
  if (!HAVE_CORPUS) test.skip(SKIP_MESSAGE, () => {});

  test('gzip input gives a plain capture; -o NAME.gz gives a gzip of the same bytes; both equal the plain input\'s slice', async () => {
    const gz = join(tmp, 'backlog.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(BACKLOG)));
    const plain = join(tmp, 'plain.pcap');
    const fromGz = join(tmp, 'from-gz.pcap');
    const toGz = join(tmp, 'to.pcap.gz');
    for (const [input, out] of [[BACKLOG, plain], [gz, fromGz], [BACKLOG, toGz]] as const) {
      const run = await runCli(['slice', input, '--stream', '2', '-o', out]);
      expect(run.code, run.stderr).toBe(0);
    }
    expect(readFileSync(plain).readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(readFileSync(fromGz)).toEqual(readFileSync(plain));
    expect(readFileSync(toGz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(readFileSync(toGz))).toEqual(readFileSync(plain));
    expect((await frameBytes(plain)).length).toBeGreaterThan(0);
  });

  test('standard input to standard output (- and -o -): the same bytes as file to file', async () => {
    const file = join(tmp, 'conn2.pcapng');
    expect((await runCli(['slice', FLOOD, '--conn', '2', '--conn', '5', '-o', file])).code).toBe(0);
    const run = await runBinary(['slice', '-', '--conn', '2', '--conn', '5', '-o', '-'], readFileSync(FLOOD));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toEqual(readFileSync(file));
    expect(run.stderr).toMatch(/wrote \d+ frames of 2 TCP connections to standard output/);
  });

  test('no connection matches: a valid capture holding the header only, and a note', async () => {
    const out = join(tmp, 'none.pcap');
    const run = await runCli(['slice', BACKLOG, '--conn', '999', '-o', out]);
    expect(run.code).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(BACKLOG).subarray(0, 24));
    expect(run.stderr).toMatch(/no connection matched/);
  });

  test('a missing file: its error only, exit 3, and no output file; -o is required; the input is never overwritten', async () => {
    const out = join(tmp, 'never.pcap');
    const run = await runCli(['slice', join(tmp, 'missing.pcap'), '--conn', '1', '-o', out]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/missing\.pcap.*ENOENT|no such file/i);
    expect(existsSync(out)).toBe(false);
    const noOut = await runCli(['slice', BACKLOG, '--conn', '1']);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/-o OUT/);
    const same = await runCli(['slice', BACKLOG, '--conn', '1', '-o', BACKLOG]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/is the input itself/);
  });
});
