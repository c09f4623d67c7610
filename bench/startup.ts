/**
 * Startup pass of `npm run bench` (issue 15: at most 150 ms for `--version`, `--help` and
 * `analyze` on a one-packet file): wall clock of each command in a fresh node, beside a bare
 * `node -e 0` measured in the same rounds. The cases run interleaved, one of each per round, so
 * that the load of a shared machine falls on all of them alike; medians and minimums over the
 * rounds. Alone: `npm run bench:startup` (BENCH_STARTUP_RUNS rounds, default 15).
 *
 * What each command loads (not how long it takes) is what a test can hold:
 * test/cli/startup.test.ts checks that none of these loads the web stack or the engine it
 * does not need.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateManyConnections } from './generate-many.js';

export interface StartupCase {
  name: string;
  args: string[];
}

export interface StartupResult {
  name: string;
  medianMs: number;
  minMs: number;
}

/** The commands timed, with the one-packet capture (a lone SYN) at `onePacket`. */
export function startupCases(cli: string, onePacket: string): StartupCase[] {
  return [
    { name: 'node -e 0 (bare node)', args: ['-e', '0'] },
    { name: 'tcplens --version', args: [cli, '--version'] },
    { name: 'tcplens --help', args: [cli, '--help'] },
    { name: 'tcplens analyze ONE-PACKET', args: [cli, 'analyze', onePacket] },
    { name: 'tcplens analyze ONE-PACKET -f json', args: [cli, 'analyze', onePacket, '-f', 'json'] },
    { name: 'tcplens packets ONE-PACKET', args: [cli, 'packets', onePacket] },
  ];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Times every case `rounds` times, interleaved; a case that fails stops the pass with its stderr. */
export function measureStartup(cases: readonly StartupCase[], rounds: number): StartupResult[] {
  const times: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      const run = spawnSync(process.execPath, c.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (run.status !== 0) throw new Error(`${c.name} exited ${String(run.status)}: ${run.stderr.toString()}`);
      times[i]?.push(ms);
    });
  }
  return cases.map((c, i) => ({ name: c.name, medianMs: median(times[i] ?? []), minMs: Math.min(...(times[i] ?? [])) }));
}

/** The startup section: writes the one-packet capture, measures, prints a line per case. */
export function benchStartup(cli: string, rounds: number): StartupResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'tcplens-startup-'));
  try {
    const onePacket = join(dir, 'one-packet.pcap');
    generateManyConnections(onePacket, 1, 10, 'unanswered');
    const results = measureStartup(startupCases(cli, onePacket), rounds);
    const bare = results[0]?.medianMs ?? 0;
    console.log(`startup: wall clock, median (min) of ${rounds} interleaved rounds; issue 15 asks at most 150 ms`);
    for (const r of results) {
      const over = r === results[0] ? '' : `  (+${(r.medianMs - bare).toFixed(0)} ms over bare node)`;
      console.log(`  ${r.name.padEnd(36)} ${r.medianMs.toFixed(0).padStart(5)} ms (${r.minMs.toFixed(0)})${over}`);
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  benchStartup(join(root, 'dist', 'src', 'cli', 'main.js'), Number(process.env['BENCH_STARTUP_RUNS'] ?? 15));
}
