/**
 * Deletes each anomaly rule's and each Wireshark flag's detection, one at a time, in a scratch
 * copy of the sources, and runs that rule's or flag's own test file: every deletion must make a
 * test fail (issue 13: "for each rule and flag, delete its detection once and see a test fail").
 *
 *   node dist/bench/mutation-check.js [--only ID] [--json OUT]
 *
 * A rule's detection is deleted by returning at the top of its hooks (onSegment, onEnd,
 * onConnectionStart, findings); a flag's by making its predicate false. The scratch copy is a
 * git worktree of HEAD with this checkout's uncommitted sources copied in; it is removed after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface Target {
  name: string;
  file: string;
  tests: string[];
  mutate(source: string): string;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Returns early at the top of every hook body the rule defines. */
function deleteRuleHooks(source: string): string {
  return source
    .replace(/(\n {2}(onSegment|onEnd|onConnectionEnd)\([^)]*\)(: [^{]+)? \{)/g, '$1 return;')
    .replace(/(\n {2}onConnectionStart\([^)]*\)(: [^{]+)? \{)/g, '$1 return null;')
    .replace(/(\n {2}findings\([^)]*\)(: [^{]+)? \{)/g, '$1 return [];')
    .replace(/(\nfunction findings\([^)]*\)(: [^{]+)? \{)/g, '$1 return [];');
}

/** Makes the flag's exported predicate false. */
function deletePredicate(name: string): (source: string) => string {
  return (source) => source.replace(new RegExp(`(export function ${name}\\([^)]*\\): boolean \\{)`), '$1 return false;');
}

function targets(): Target[] {
  const out: Target[] = [];
  for (const f of readdirSync(join(ROOT, 'src/analysis/rules')).filter((x) => x.endsWith('.ts') && x !== 'index.ts')) {
    const id = f.replace(/\.ts$/, '');
    out.push({ name: `rule ${id}`, file: `src/analysis/rules/${f}`, tests: [`test/analysis/rules/${id}.test.ts`], mutate: deleteRuleHooks });
  }
  const flagTests = (flag: string) => [`test/analysis/flags/${flag}.test.ts`, 'test/analysis/flags-crafted.test.ts'];
  const predicates: [string, string][] = [
    ['ack-lost-segment', 'checkAckLostSegment'],
    ['duplicate-ack', 'isDuplicateAck'],
    ['fast-retransmission', 'isFastRetransmission'],
    ['keep-alive-ack', 'isKeepAliveAck'],
    ['keep-alive', 'isKeepAlive'],
    ['lost-segment', 'isLostSegment'],
    ['out-of-order', 'isOutOfOrder'],
    ['retransmission', 'seqNotAdvanced'],
    ['spurious-retransmission', 'isSpuriousRetransmission'],
    ['window-full', 'isWindowFull'],
    ['window-update', 'isWindowUpdate'],
    ['zero-window-probe-ack', 'isZeroWindowProbeAck'],
    ['zero-window-probe', 'isZeroWindowProbe'],
    ['zero-window', 'isZeroWindow'],
  ];
  for (const [flag, fn] of predicates) out.push({ name: `flag ${flag}`, file: `src/analysis/flags/${flag}.ts`, tests: flagTests(flag), mutate: deletePredicate(fn) });
  // reused_ports is set from the stream rule (tcp/streams.ts isNewStreamSyn) and the SYN,ACK rebase.
  out.push({
    name: 'flag reused-ports',
    file: 'src/analysis/flags/sequence-analysis.ts',
    tests: flagTests('reused-ports'),
    mutate: (s) => s.replace(/bits \|= Flag\.reused_ports;/g, 'bits |= 0;'),
  });
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'tcplens-mutation-'));
  execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', scratch, 'HEAD'], { stdio: 'ignore' });
  const results: { name: string; killed: boolean; changed: boolean }[] = [];
  try {
    for (const dir of ['src', 'test', 'samples']) cpSync(join(ROOT, dir), join(scratch, dir), { recursive: true });
    if (!existsSync(join(scratch, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
    for (const t of targets()) {
      if (only !== undefined && !t.name.endsWith(only)) continue;
      const path = join(scratch, t.file);
      const original = readFileSync(path, 'utf8');
      const mutated = t.mutate(original);
      const changed = mutated !== original;
      let killed = false;
      if (changed) {
        writeFileSync(path, mutated);
        const run = spawnSync('npx', ['vitest', 'run', ...t.tests.filter((x) => existsSync(join(scratch, x)))], { cwd: scratch, encoding: 'utf8' });
        killed = run.status !== 0;
        writeFileSync(path, original);
      }
      results.push({ name: t.name, killed, changed });
      console.log(`${killed ? 'killed  ' : changed ? 'SURVIVED' : 'NOT MUTATED'}  ${t.name}  (${t.tests.join(', ')})`);
    }
  } finally {
    execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', scratch], { stdio: 'ignore' });
    rmSync(scratch, { recursive: true, force: true });
  }
  const survived = results.filter((r) => !r.killed);
  console.log(`${results.length - survived.length} of ${results.length} deletions made a test fail`);
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
  process.exitCode = survived.length === 0 ? 0 : 1;
}

main();
