/**
 * `analyze`'s text report is gathered as connections end, in whatever order they end, keeping
 * only counts, a few examples and the first rows. It must read exactly as the report made from
 * the whole document at once, whatever the order the connections came in.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { generateBenchCapture } from '../../bench/generate.js';
import { generateManyConnections } from '../../bench/generate-many.js';
import { analysisDocument } from '../../src/pipeline.js';
import { TextSummary, textReport } from '../../src/report/formats/text.js';
import { analyze } from '../support/analyze.js';
import { DirectionStats } from '../../src/analysis/direction-stats.js';
import { directionFigures } from '../../src/report/model.js';

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test.each([
  ['the bench mix', (p: string) => generateBenchCapture(p, 1e6)],
  ['a refused scan (one anomaly on every connection)', (p: string) => generateManyConnections(p, 400, 1000, 'refused')],
  ['a SYN flood (a capture-wide finding too)', (p: string) => generateManyConnections(p, 400, 1000, 'unanswered')],
])('%s: any arrival order gives the whole-document report', async (_name, make) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-text-')), 'c.pcap');
  make(path);
  const doc = analysisDocument(await analyze(path));
  const whole = textReport(doc);
  expect(whole).toContain('connections:');
  for (const seed of [1, 2, 3]) {
    const summary = new TextSummary();
    for (const c of shuffled(doc.connections, seed)) summary.add(c);
    expect(summary.render(doc.capture, doc.anomalies)).toBe(whole);
  }
});

test('the table lists the lowest ids and counts the rest; examples are the first by connection id', () => {
  const summary = new TextSummary({ maxRows: 2, examples: 2 });
  const base = { client: { ip: '10.0.0.1', port: 1 }, server: { ip: '10.0.0.2', port: 80 }, start: '1.000000000', duration: 0, packets: { client: 1, server: 1 }, bytes: { client: 0, server: 0 }, states: { client: 'CLOSED', server: 'CLOSED' }, zeek: { conn_state: 'REJ' }, zeekRows: [], analysis: {}, irtt: null, figures: { client: directionFigures(new DirectionStats(), 0), server: directionFigures(new DirectionStats(), 0) } };
  for (const id of [5, 3, 9, 1, 7]) {
    summary.add({ ...base, id, stream: id - 1, anomalies: [{ id: 'rst-refused', severity: 'warning', frame: id * 2, side: 'server', detail: `refused ${id}` }] } as never);
  }
  const text = summary.render({ file: 'f', format: 'pcap', gzip: false, byteOrder: 'LE', linkTypes: [1], packets: 10, tcpPackets: 10, bytes: 0, first: null, last: null, firstIso: null, lastIso: null, comments: [], warnings: [], error: null }, []);
  expect(text).toContain('5 TCP connections');
  expect(text).toMatch(/connection 1 \(tcp\.stream 0\), frame 2: refused 1\n\s+connection 3 \(tcp\.stream 2\), frame 6: refused 3\n\s+… and 3 more/);
  const rows = text.split('connections:')[1]?.split('\n').filter((l) => /^\s+\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
  expect(rows).toEqual([1, 3]);
  expect(text).toContain('… 3 more (use --format json');
});
