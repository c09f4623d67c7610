/**
 * npm run bench: writes (once) a deterministic ~200 MB capture and times, each in a fresh
 * child process, the passes below; prints MB/s, packets/s and peak RSS per pass.
 *
 *   pcap-parser alone      pcap-parser counting packets (the baseline of our pcap path)
 *   capture stage          our reader (pcap-parser behind the guard), counting frames
 *   decode only            capture + link/IP/TCP decode into the reused packet
 *   packets --format ndjson > /dev/null   the CLI end to end
 *   analyze --format json > /dev/null     the whole engine, end to end
 *   tshark -q -z conv,tcp, tcptrace -n -l  the same file, when they are installed (for ratios)
 *
 * on the project's mix and on the shared generator's (`../shared/tools/gen_pcap.py OUT
 * --size-mb 200 --seed 1`, made once into bench/out when ../shared is there), as one table per
 * mix with the ratios to tcptrace and tshark. Timing is wall clock of the child, the median of
 * BENCH_RUNS (default 3) rounds that alternate the commands, with the child's CPU time (user +
 * system, all its threads) beside it: on a loaded machine wall clock follows the load, CPU time
 * much less. Set BENCH_MB for another size of the project's mix.
 *
 * The classic pcap reader runs several pcap-parser instances over ranges of the file
 * (capture/parallel-pcap.ts); passes marked `--read-threads 1` read with one, for the ratio.
 * Then issue 12's file, 1 GiB of empty records (BENCH_EMPTY_MB, 0 skips it). Last, two memory passes:
 * a million connections at once (BENCH_MANY), whose peak RSS must stay bounded, and the
 * viewer over the same million; then the viewer under 200 concurrent requests per page type,
 * alone and while a 1 GB capture is analysed (bench/viewer-load.ts; BENCH_SKIP_VIEWER=1 skips
 * both viewer passes).
 *
 * First of all, startup (bench/startup.ts): --version, --help and analyze on a one-packet file
 * beside bare node, medians of BENCH_STARTUP_RUNS interleaved rounds (default 15).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateBenchCapture } from './generate.js';
import { generateEmptyRecords } from './generate-empty.js';
import { generateManyConnections } from './generate-many.js';
import { generateRandomFlags } from './generate-flags.js';
import { benchStartup } from './startup.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'bench', 'out');
const targetMb = Number(process.env['BENCH_MB'] ?? 200);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
const capture = join(outDir, `synthetic-${targetMb}mb.pcap`);
const hook = pathToFileURL(join(here, 'rss-hook.js')).href;

benchStartup(join(root, 'dist', 'src', 'cli', 'main.js'), Number(process.env['BENCH_STARTUP_RUNS'] ?? 15));

mkdirSync(outDir, { recursive: true });
if (!existsSync(capture)) {
  const t0 = process.hrtime.bigint();
  const { packets } = generateBenchCapture(capture, targetMb * 1e6);
  console.log(`wrote ${capture}: ${packets} packets in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
}
const size = statSync(capture).size;

interface Pass {
  name: string;
  args: string[];
  stdout?: 'ignore' | 'pipe';
}

const cli = join(root, 'dist', 'src', 'cli', 'main.js');

/** A command of the throughput table: ours (node with the RSS hook) or an external tool (GNU time for its RSS). */
interface Contender {
  name: string;
  /** Node script and arguments (ours), or null for an external tool. */
  args: string[] | null;
  cmd?: string;
  external?: string[];
  stdout?: 'ignore' | 'pipe';
}

function contenders(file: string): Contender[] {
  return [
    { name: 'pcap-parser alone (count)', args: [join(here, 'pcap-parser-count.js'), file] },
    { name: 'capture stage (count), --read-threads 1', args: [join(here, 'decode-only.js'), 'read', file, '1'] },
    { name: 'capture stage (count)', args: [join(here, 'decode-only.js'), 'read', file] },
    { name: 'decode only', args: [join(here, 'decode-only.js'), 'decode', file] },
    { name: 'packets --format ndjson > /dev/null', args: [cli, 'packets', file, '--format', 'ndjson'], stdout: 'ignore' },
    { name: 'analyze -f json, --read-threads 1', args: [cli, 'analyze', file, '--format', 'json', '--read-threads', '1'], stdout: 'ignore' },
    { name: 'analyze --format json > /dev/null', args: [cli, 'analyze', file, '--format', 'json'], stdout: 'ignore' },
    { name: 'tcptrace -n -l', args: null, cmd: 'tcptrace', external: ['-n', '-l', file] },
    { name: 'tshark -q -z conv,tcp', args: null, cmd: 'tshark', external: ['-n', '-q', '-z', 'conv,tcp', '-r', file] },
  ];
}

function which(cmd: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    try {
      accessSync(join(dir, cmd), fsConstants.X_OK);
      return join(dir, cmd);
    } catch {
      // not here
    }
  }
  return null;
}

interface Run {
  seconds: number;
  cpu: number;
  mainCpu: number;
  rssMb: number;
  packets: number | null;
}

/** One run of a contender; null for an external tool that is not installed. */
function runOnce(c: Contender): Run | null {
  const t0 = process.hrtime.bigint();
  let r;
  if (c.args !== null) {
    r = spawnSync(process.execPath, ['--import', hook, ...c.args], { stdio: ['ignore', c.stdout ?? 'pipe', 'pipe'], maxBuffer: 1 << 20 });
  } else {
    const exe = which(c.cmd as string);
    if (exe === null) return null;
    const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
    r = gnuTime
      ? spawnSync(gnuTime, ['-f', 'tcplens-bench-maxrss-kb %M', exe, ...(c.external as string[])], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 })
      : spawnSync(exe, c.external as string[], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const err = r.stderr?.toString() ?? '';
  if (c.args !== null && r.status !== 0) throw new Error(`${c.name} failed: ${err}`);
  const m = /tcplens-bench-maxrss-kb (\d+)/.exec(err);
  const cpu = /tcplens-bench-cpu-us (\d+)/.exec(err);
  const main = /tcplens-bench-main-cpu-us (-?\d+)/.exec(err);
  const out = r.stdout ? Number(r.stdout.toString().trim()) : NaN;
  return { seconds, cpu: cpu ? Number(cpu[1]) / 1e6 : NaN, mainCpu: main ? Number(main[1]) / 1e6 : NaN, rssMb: m ? Number(m[1]) / 1024 : NaN, packets: Number.isFinite(out) && out > 0 ? out : null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function measure(p: Pass): Run {
  const runsOf: Run[] = [];
  for (let i = 0; i < runs; i++) runsOf.push(runOnce({ name: p.name, args: p.args, ...(p.stdout ? { stdout: p.stdout } : {}) }) as Run);
  return summarise(runsOf);
}

function summarise(rs: Run[]): Run {
  return { seconds: median(rs.map((r) => r.seconds)), cpu: median(rs.map((r) => r.cpu)), mainCpu: median(rs.map((r) => r.mainCpu)), rssMb: Math.max(...rs.map((r) => r.rssMb)), packets: rs.find((r) => r.packets !== null)?.packets ?? null };
}

function line(name: string, m: { seconds: number; cpu: number; mainCpu: number; rssMb: number }, mb: number, count: number | null): string {
  const pps = count !== null ? `${((count / m.seconds) / 1e6).toFixed(2)} M pkt/s` : '';
  return `${name.padEnd(42)} ${m.seconds.toFixed(2).padStart(6)} s  ${(mb / m.seconds).toFixed(0).padStart(5)} MB/s  ${pps.padStart(14)}  cpu ${m.cpu.toFixed(2).padStart(6)} s (main thread ${m.mainCpu.toFixed(2).padStart(6)} s)  peak RSS ${m.rssMb.toFixed(0)} MB`;
}

/**
 * Issue 15's table for one capture: every contender once per round, rounds alternating the
 * tools (so a machine's passing load falls on all alike), BENCH_RUNS rounds; per contender the
 * median seconds, MB/s, packets/s, CPU, peak RSS and, for ours, the ratio of its throughput to
 * tcptrace's and tshark's (aims: analyze ≥ 1.5× tcptrace and ≥ 10× tshark). Returns the medians.
 */
function throughputTable(title: string, file: string): Record<string, number> {
  const mb = statSync(file).size / 1e6;
  const cs = contenders(file);
  const all = new Map<string, Run[]>(cs.map((c) => [c.name, []]));
  for (let round = 0; round < runs; round++) {
    for (const c of cs) {
      const r = runOnce(c);
      if (r !== null) all.get(c.name)?.push(r);
    }
  }
  const med = new Map<string, Run>();
  for (const [name, rs] of all) if (rs.length > 0) med.set(name, summarise(rs));
  const packets = med.get('pcap-parser alone (count)')?.packets ?? null;
  const tcptrace = med.get('tcptrace -n -l')?.seconds;
  const tshark = med.get('tshark -q -z conv,tcp')?.seconds;
  console.log(`\n${title}: ${file} (${mb.toFixed(1)} MB${packets === null ? '' : `, ${packets} packets`}), medians of ${runs} alternating rounds, node ${process.version}, ${availableParallelism()} cores`);
  console.log(`| pass | s | MB/s | pkt/s | CPU s (main thread) | peak RSS | × tcptrace | × tshark |\n|---|---|---|---|---|---|---|---|`);
  const results: Record<string, number> = {};
  for (const c of cs) {
    const m = med.get(c.name);
    if (m === undefined) {
      console.log(`| ${c.name} | not installed | | | | | | |`);
      continue;
    }
    results[c.name] = m.seconds;
    const ratio = (of: number | undefined): string => (of === undefined || c.args === null ? '' : `${(of / m.seconds).toFixed(2)}×`);
    const cpu = Number.isNaN(m.cpu) ? '' : `${m.cpu.toFixed(2)} (${m.mainCpu.toFixed(2)})`;
    const pps = packets === null ? '' : `${(packets / m.seconds / 1e6).toFixed(2)} M`;
    console.log(`| ${c.name} | ${m.seconds.toFixed(2)} | ${(mb / m.seconds).toFixed(0)} | ${pps} | ${cpu} | ${Number.isNaN(m.rssMb) ? '?' : m.rssMb.toFixed(0)} MB | ${ratio(tcptrace)} | ${ratio(tshark)} |`);
  }
  const base = results['pcap-parser alone (count)'] ?? 1;
  const ours = results['capture stage (count), --read-threads 1'] ?? 1;
  const parallelRead = results['capture stage (count)'] ?? 1;
  console.log(`capture stage (1 thread) vs pcap-parser alone: ${(((ours - base) / base) * 100).toFixed(1)} % ${ours > base ? 'slower' : 'faster'} (aim: at most 25 % slower); ranges in parallel vs one pcap-parser stream: ${(base / parallelRead).toFixed(2)}× (the bound of issue 15)`);
  return results;
}

throughputTable('the project\'s bench mix', capture);
// The shared generator's realistic mix (issue 15 measures both), when ../shared is beside the project.
const generatorScript = join(root, '..', 'shared', 'tools', 'gen_pcap.py');
const generatorMix = join(outDir, 'gen-200mb-seed1.pcap');
if (!existsSync(generatorMix) && existsSync(generatorScript)) spawnSync('python3', [generatorScript, generatorMix, '--size-mb', '200', '--seed', '1'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (existsSync(generatorMix)) throughputTable('the shared generator\'s mix (gen_pcap.py --size-mb 200 --seed 1)', generatorMix);
else console.log(`the shared generator's mix: skipped, ${generatorScript} is not there to make it`);

// Issue 12: a capture of nothing but empty records, whose cost is all per record.
const emptyMb = Number(process.env['BENCH_EMPTY_MB'] ?? 1024);
if (emptyMb > 0) {
  const records = Math.floor((emptyMb * 1048576 - 24) / 16);
  const file = join(outDir, `empty-records-${emptyMb}mib.pcap`);
  if (!existsSync(file)) generateEmptyRecords(file, records);
  const mb = statSync(file).size / 1e6;
  for (const [name, args] of [
    ['empty records: analyze, --read-threads 1', [cli, 'analyze', file, '--read-threads', '1']],
    ['empty records: analyze', [cli, 'analyze', file]],
    ['empty records: packets -f ndjson, 1 thread', [cli, 'packets', file, '--format', 'ndjson', '--read-threads', '1']],
    ['empty records: packets -f ndjson', [cli, 'packets', file, '--format', 'ndjson']],
  ] as const) {
    console.log(line(name, measure({ name, args: [...args], stdout: 'ignore' }), mb, records));
  }
}
// Issue 15: peak RSS of every format on a capture of the shared generator's mix
// (`gen_pcap.py OUT --size-mb N --seed 1`); BENCH_FORMATS_MB=1000 runs it (a few minutes), unset skips it.
const formatsMb = Number(process.env['BENCH_FORMATS_MB'] ?? 0);
const generator = join(root, '..', 'shared', 'tools', 'gen_pcap.py');
if (formatsMb > 0 && existsSync(generator)) {
  const file = join(outDir, `mix-${formatsMb}mb.pcap`);
  if (!existsSync(file)) spawnSync('python3', [generator, file, '--size-mb', String(formatsMb), '--seed', '1'], { stdio: 'inherit' });
  const mb = statSync(file).size / 1e6;
  for (const format of ['json', 'ndjson', 'csv', 'zeek', 'text', 'html']) {
    const name = `mix ${formatsMb} MB: analyze -f ${format}`;
    console.log(line(name, measure({ name, args: [cli, 'analyze', file, '--format', format], stdout: 'ignore' }), mb, null));
  }
}

// Memory follows the connections alive at once, not their number (issue 3): a million
// connections 10 µs apart, refused by RSTs (a scan) and unanswered (a spoofed SYN flood).
// One run each (they take most of a minute); BENCH_MANY=0 skips them, BENCH_MANY=N sets the count.
const many = Number(process.env['BENCH_MANY'] ?? 1_000_000);
if (many > 0) {
  for (const kind of ['refused', 'unanswered'] as const) {
    const file = join(outDir, `many-${kind}-${many}.pcap`);
    if (!existsSync(file)) generateManyConnections(file, many, 10, kind);
    const mb = statSync(file).size / 1e6;
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', hook, join(root, 'dist', 'src', 'cli', 'main.js'), 'analyze', file, '--format', 'ndjson'], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const m = /tcplens-bench-maxrss-kb (\d+)/.exec(r.stderr.toString());
    const name = `analyze -f ndjson, ${many} ${kind} conns`;
    console.log(`${name.padEnd(40)} ${seconds.toFixed(2).padStart(6)} s  ${(mb / seconds).toFixed(0).padStart(5)} MB/s  ${`${((many / seconds) / 1e3).toFixed(0)} k conn/s`.padStart(14)}  peak RSS ${m ? (Number(m[1]) / 1024).toFixed(0) : '?'} MB${r.status === 0 ? '' : `  FAILED (exit ${r.status})`}`);
  }
}

// Issue 12's pathological case: 100,000 tiny packets of one four-tuple with random flags
// (bench/generate-flags.ts, seed 1): 21,767 connections (tshark 4.0.17 has as many streams),
// never more than one alive at once. Each format once: seconds, peak RSS. Every format must stay
// near a small capture's RSS (json and html spool their connections).
// BENCH_FLAGS=0 skips it, BENCH_FLAGS=N sets the packet count.
const flagPackets = Number(process.env['BENCH_FLAGS'] ?? 100_000);
if (flagPackets > 0) {
  const file = join(outDir, `flags-${flagPackets}.pcap`);
  if (!existsSync(file)) generateRandomFlags(file, flagPackets, 1);
  for (const format of ['text', 'ndjson', 'csv', 'zeek', 'zeek-weird', 'json', 'html']) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--import', hook, join(root, 'dist', 'src', 'cli', 'main.js'), 'analyze', file, '--format', format], { stdio: ['ignore', format === 'ndjson' ? 'pipe' : 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const m = /tcplens-bench-maxrss-kb (\d+)/.exec(r.stderr.toString());
    const conns = format === 'ndjson' ? (/"type":"summary".*?"connections":(\d+)/.exec(r.stdout.toString().slice(-100_000))?.[1] ?? '?') : '';
    const name = `analyze -f ${format}, ${flagPackets / 1000}k random-flags pkts`;
    console.log(`${name.padEnd(40)} ${seconds.toFixed(2).padStart(6)} s  ${''.padStart(5)}       ${(conns ? `${conns} conns` : '').padStart(14)}  peak RSS ${m ? (Number(m[1]) / 1024).toFixed(0) : '?'} MB${r.status === 0 ? '' : `  FAILED (exit ${r.status})`}`);
  }
}

// The viewer on the million refused connections (issue 5): time until its overview answers,
// the latency of filtered, sorted and paged queries (the first sort by a key builds its order;
// later pages reuse it) and of one connection's ladder, and the server's peak RSS.
if (many > 0 && process.env['BENCH_SKIP_VIEWER'] !== '1') await benchViewer(join(outDir, `many-refused-${many}.pcap`));

// The viewer under load (issue 12): 200 concurrent requests per page type, first alone, then
// while a 1 GB capture (../shared/tools/gen_pcap.py --size-mb 1000 --seed 1) is analysed on the
// viewer's analysis thread; aim p50 < 300 ms, p99 < 1 s. BENCH_SKIP_VIEWER=1 skips it.
if (process.env['BENCH_SKIP_VIEWER'] !== '1') {
  const load = join(here, 'viewer-load.js');
  const big = join(outDir, 'gen-1000mb-seed1.pcap');
  const genPcap = join(root, '..', 'shared', 'tools', 'gen_pcap.py');
  if (!existsSync(big)) {
    if (existsSync(genPcap)) spawnSync('python3', [genPcap, big, '--size-mb', '1000', '--seed', '1'], { stdio: ['ignore', 'ignore', 'inherit'] });
    else console.log(`viewer load while a 1 GB capture is analysed: skipped, ${genPcap} is not there to make it`);
  }
  spawnSync(process.execPath, [load], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (existsSync(big)) spawnSync(process.execPath, [load, '--busy', big], { stdio: ['ignore', 'inherit', 'inherit'] });
}

async function benchViewer(file: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-bench-serve-'));
  try {
    linkSync(file, join(dir, 'many.pcap'));
  } catch {
    copyFileSync(file, join(dir, 'many.pcap'));
  }
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), 'serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (b: Buffer) => {
        text += b.toString();
        const m = /http:\/\/\S+\//.exec(text);
        if (m) resolve(m[0]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const api = `${url}api/c/many.pcap`;
    const t0 = process.hrtime.bigint();
    while ((await fetch(api)).status !== 200) await new Promise((r) => setTimeout(r, 500));
    const ready = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${'serve: overview of 1M conns ready'.padEnd(40)} ${ready.toFixed(2).padStart(6)} s  peak RSS ${peakRssMb(child.pid)} MB`);
    const queries = [
      'view=connections',
      'view=connections&page=5000',
      'view=connections&sort=duration&order=desc',
      'view=connections&sort=duration&order=desc&page=2',
      'view=connections&sort=client&page=3',
      'view=connections&host=10.3.2.1',
      'view=connections&state=closed&port=443&sort=start&order=desc&page=9000',
      'view=anomalies&page=4000',
      'view=conn&id=777777',
      'view=conn&id=777777',
    ];
    for (const q of queries) {
      const t = process.hrtime.bigint();
      const r = await fetch(`${api}?${q}`);
      await r.arrayBuffer();
      console.log(`  ${q.padEnd(70)} ${r.status} ${((Number(process.hrtime.bigint() - t) / 1e6).toFixed(0) + ' ms').padStart(8)}`);
    }
    console.log(`${'serve: after the queries'.padEnd(40)} peak RSS ${peakRssMb(child.pid)} MB`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak RSS of a running process (Linux: VmHWM), in MB. */
function peakRssMb(pid: number | undefined): string {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) / 1024).toFixed(0) : '?';
  } catch {
    return '?';
  }
}
