/**
 * Zeek parity outside the corpus: runs tcplens on the traces of zeek/zeek's own btests and
 * compares the TCP rows of their conn.log baselines field by field. Not part of `npm test` (it
 * needs a zeek/zeek checkout); run it with
 *
 *   ZEEK_GIT_DIR=/path/to/zeek/.git npx vite-node test/tcp/zeek/btest-parity.ts
 *
 * It takes the btests that run `zeek [-b] [-C] -r $TRACES/…` once and write conn.log, reads the
 * flags (-b: no likely_server_ports; -C: checksums ignored), and compares the four-tuple,
 * conn_state, history, duration, orig/resp bytes, missed_bytes and packet/IP-byte counts of every
 * TCP row. Btests whose trace needs what tcplens does not decode (tunnels, exotic link layers) or
 * whose script changes the analysis (BPF filters, renamed log fields, dropped packets) show up
 * with missing rows; they are listed, and counted apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeCapture } from '../../../src/pipeline.js';
import type { ZeekRecord } from '../../../src/report/model.js';

const GIT_DIR = process.env['ZEEK_GIT_DIR'] ?? '/work/.mirror/zeek+zeek/repo';
const git = (...args: string[]): string => execFileSync('git', ['--git-dir', GIT_DIR, ...args], { encoding: 'latin1', maxBuffer: 1 << 28 });
const FIELDS = ['conn_state', 'history', 'duration', 'orig_bytes', 'resp_bytes', 'missed_bytes', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes'] as const;
/** Btests that need what tcplens does not model (see the header). */
const APART = /tunnels|pbb|vntag|cisco-fabric|erspan|field-name-map|scope_sep|filter|netcontrol|gridftp|skip_analyzer/;

const work = join(tmpdir(), 'tcplens-zeek-btests');
const files = git('ls-tree', '-r', '--name-only', 'HEAD', 'testing/btest').split('\n');
const btests = new Set(files.filter((f) => !f.startsWith('testing/btest/Baseline') && !f.startsWith('testing/btest/Traces')));
let equal = 0;
let total = 0;
let apartEqual = 0;
let apartTotal = 0;
for (const baseline of files.filter((f) => f.startsWith('testing/btest/Baseline/') && f.endsWith('/conn.log'))) {
  const name = baseline.split('/').slice(-2)[0] as string;
  const stem = `testing/btest/${name.replace(/\./g, '/')}`;
  const btest = [...btests].find((f) => f === stem || f.startsWith(`${stem}.`));
  if (btest === undefined) continue;
  const runs = git('show', `HEAD:${btest}`).split('\n').filter((l) => /@TEST-EXEC:.*zeek .*-r /.test(l));
  if (runs.length !== 1 || /mv conn\.log|cat conn\.log| -w |zeek-cut/.test(runs[0] as string)) continue;
  const cmd = runs[0] as string;
  const trace = /\$TRACES\/(\S+)/.exec(cmd)?.[1];
  if (trace === undefined) continue;
  const bare = /zeek (-\w+ )*-\w*b/.test(cmd);
  const noChecksums = /zeek (-\w+ )*-\w*C/.test(cmd);
  const lines = git('show', `HEAD:${baseline}`).split('\n');
  const fields = (lines.find((l) => l.startsWith('#fields')) ?? '').split('\t').slice(1);
  const expected = lines
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i], v])) as Record<string, string>)
    .filter((r) => r['proto'] === 'tcp');
  if (expected.length === 0) continue;
  const path = join(work, 'traces', trace);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, execFileSync('git', ['--git-dir', GIT_DIR, 'show', `HEAD:testing/btest/Traces/${trace}`], { maxBuffer: 1 << 28 }));
  const r = await analyzeCapture(path, path, { zeekBare: bare, zeekIgnoreChecksums: noChecksums }, { collect: true });
  const rows: ZeekRecord[] = r.connections.flatMap((c) => c.zeekRows);
  const used = new Set<ZeekRecord>();
  let eq = 0;
  let n = 0;
  const diffs: string[] = [];
  for (const e of expected) {
    const history = e['history'] === '(empty)' ? '' : e['history'];
    const same = rows.filter((z) => !used.has(z) && z.orig_h === e['id.orig_h'] && String(z.orig_p) === e['id.orig_p'] && z.resp_h === e['id.resp_h'] && String(z.resp_p) === e['id.resp_p']);
    const z = same.find((c) => c.history === history) ?? same[0];
    n += 4 + FIELDS.filter((f) => e[f] !== undefined).length;
    if (z === undefined) {
      diffs.push(`no row ${e['id.orig_h']}:${e['id.orig_p']} > ${e['id.resp_h']}:${e['id.resp_p']}`);
      continue;
    }
    used.add(z);
    eq += 4;
    for (const f of FIELDS) {
      if (e[f] === undefined) continue;
      const unset = z.duration === null;
      const mine =
        f === 'duration' ? (unset ? '-' : (z.duration as number).toFixed(6)) : f === 'history' ? (z.history === '' ? '(empty)' : z.history) : (f === 'orig_bytes' || f === 'resp_bytes') && unset ? '-' : String(z[f]);
      if (mine === e[f]) eq++;
      else diffs.push(`${f} ${mine} (Zeek ${e[f]})`);
    }
  }
  const apart = APART.test(name);
  if (apart) {
    apartEqual += eq;
    apartTotal += n;
  } else {
    equal += eq;
    total += n;
  }
  console.log(`${apart ? '  (apart) ' : ''}${name} ${bare ? '-b ' : ''}${noChecksums ? '-C ' : ''}${eq}/${n}${diffs.length ? `: ${diffs.slice(0, 3).join('; ')}` : ''}`);
}
console.log(`compared: ${equal}/${total} fields equal (${((100 * equal) / total).toFixed(2)} %); set apart: ${apartEqual}/${apartTotal}`);
