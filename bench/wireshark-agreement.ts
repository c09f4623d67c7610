/**
 * How far tcplens agrees with tshark on any capture, field by field and frame by frame:
 *
 *   test/fixtures/wireshark/oracle.sh CAPTURE /tmp/oracle.tsv   # tshark's view (needs tshark)
 *   node dist/bench/wireshark-agreement.js CAPTURE /tmp/oracle.tsv
 *
 * Prints, per field, the frames where either side has a value and the share that agree, and the
 * first differing frames. For checking tcplens on captures outside the corpus.
 */
import { readFileSync } from 'node:fs';
import { WIRESHARK_FLAGS } from '../src/analysis/flags/flag-bits.js';
import { analyzeCapture } from '../src/pipeline.js';
import { wiresharkView } from './wireshark-view.js';

const [capture, oraclePath] = process.argv.slice(2);
if (capture === undefined || oraclePath === undefined) {
  process.stderr.write('usage: wireshark-agreement CAPTURE ORACLE.tsv\n');
  process.exit(2);
}
const lines = readFileSync(oraclePath, 'utf8').split('\n').filter((l) => l.length > 0);
const header = (lines.shift() ?? '').split('\t');
const col = (name: string): number => header.indexOf(name);
const theirs = new Map<number, string[]>();
for (const l of lines) {
  const cells = l.split('\t');
  theirs.set(Number(cells[0]), cells);
}
const fields = ['tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.window_size', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.duplicate_ack_num', ...WIRESHARK_FLAGS.map((f) => `tcp.analysis.${f}`)];
const stats = new Map(fields.map((f) => [f, { compared: 0, agree: 0, first: [] as string[] }]));
await analyzeCapture(capture, capture, {}, {
  collect: false,
  onFrame(frame, packet, conn, a, fromA) {
    if (conn === null || a === null) return;
    const t = theirs.get(frame.frame);
    if (t === undefined) return;
    const ours = wiresharkView(conn, packet, a, fromA);
    for (const f of fields) {
      let tv = t[col(f)] ?? '';
      if (f.startsWith('tcp.analysis.') && WIRESHARK_FLAGS.includes(f.slice(13) as never) && tv !== '') tv = '1';
      const ov = ours[f] ?? '';
      if ((tv === '' && ov === '') || (f === 'tcp.ack' && ov === '')) continue;
      const s = stats.get(f) as { compared: number; agree: number; first: string[] };
      s.compared++;
      if (tv === ov) s.agree++;
      else if (s.first.length < 5) s.first.push(`${frame.frame}(${ov || '-'}≠${tv || '-'})`);
    }
  },
});
for (const [f, s] of stats) {
  const share = s.compared === 0 ? '—' : `${((100 * s.agree) / s.compared).toFixed(3)} %`;
  process.stdout.write(`${f.padEnd(40)} ${String(s.compared).padStart(8)} frames  ${share.padStart(9)}  ${s.first.join(' ')}\n`);
}
