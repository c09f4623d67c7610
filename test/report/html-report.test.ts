/**
 * report/formats/html.ts: the HTML report gathered one connection at a time (in any order,
 * spooled past its memory budget) is the page rendering the whole document at once wrote: the
 * same bytes whatever order connections end in; its table's rows in id order; details embedded
 * for the first `maxDetails` connections, those with anomalies first, then by id.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { analyzeCapture, type AnalyzeResult } from '../../src/pipeline.js';
import { HtmlReport } from '../../src/report/formats/html.js';
import type { ConnectionRecord } from '../../src/report/model.js';
import type { TimeMode } from '../../src/report/time-format.js';

const sample = (f: string): string => fileURLToPath(new URL(`../../samples/${f}`, import.meta.url));
const HTML_SEGMENTS = { segmentBudget: { perConnection: 50_000, total: 200_000 } };

async function page(result: AnalyzeResult, order: readonly ConnectionRecord[], budget: number, maxDetails: number, mode: TimeMode = 'iso'): Promise<string> {
  const report = new HtmlReport({ maxDetails, version: 't', time: { mode, digits: 6 } }, budget);
  for (const c of order) report.add(c, result.segments.get(c.id));
  let text = '';
  await report.finish({ write: (s) => void (text += typeof s === 'string' ? s : Buffer.from(s).toString('utf8')), wait: () => undefined }, result.capture, result.anomalies, result.warnings);
  return text;
}

/** The page's embedded data (the script element's JSON). */
function data(html: string): { rows: unknown[][]; details: Record<string, { connection: { id: number }; segments: unknown[]; labels: string[] }> } {
  const m = /<script type="application\/json" id="tcplens-data">(.*?)<\/script>/s.exec(html);
  if (m === null) throw new Error('no data element');
  return JSON.parse(m[1] as string);
}

const orders = (cs: ConnectionRecord[]): ConnectionRecord[][] => [cs, [...cs].reverse(), [...cs].sort((a, b) => ((a.id * 7919) % 13) - ((b.id * 7919) % 13) || a.id - b.id)];

describe('the HTML report, one connection at a time', () => {
  test.each(['syn-flood.pcapng', 'missing-final-ack.pcap', 'refused.pcap'])('%s: the same page whatever order connections end in, in memory or spooled', async (file) => {
    const result = await analyzeCapture(sample(file), file, {}, HTML_SEGMENTS);
    expect(result.connections.length).toBeGreaterThan(0);
    for (const mode of ['iso', 'delta'] as const) {
      const expected = await page(result, result.connections, Infinity, 5000, mode);
      for (const budget of [0, 3000]) for (const order of orders(result.connections)) expect(await page(result, order, budget, 5000, mode)).toBe(expected);
    }
  });

  test('details for the first maxDetails connections, those with anomalies first, whatever the end order', async () => {
    // The flood's connections (almost all with anomalies), then the one-connection samples' (ids moved past them).
    const result = await analyzeCapture(sample('syn-flood.pcapng'), 'f', {}, HTML_SEGMENTS);
    for (const f of ['handshake-close.pcap', 'half-close.pcap', 'simultaneous-close.pcap', 'refused.pcap', 'missing-final-ack.pcap']) {
      const more = await analyzeCapture(sample(f), f, {}, HTML_SEGMENTS);
      for (const c of more.connections) {
        const id = result.connections.length + 1;
        result.segments.set(id, more.segments.get(c.id) ?? []);
        result.connections.push({ ...c, id });
      }
    }
    const cs = result.connections;
    const withAnomalies = cs.filter((c) => c.anomalies.length > 0).map((c) => c.id);
    const without = cs.filter((c) => c.anomalies.length === 0).map((c) => c.id);
    // Enough connections of both kinds that a cap falls inside either kind, and ids of both kinds interleaved.
    expect(withAnomalies.length).toBeGreaterThan(1);
    expect(without.length).toBeGreaterThan(withAnomalies.length + 2);
    expect(Math.min(...without)).toBeLessThan(Math.max(...withAnomalies));
    for (const maxDetails of [1, withAnomalies.length + 2, cs.length + 5]) {
      const expected = [...withAnomalies, ...without].slice(0, maxDetails).sort((a, b) => a - b);
      for (const order of orders(cs)) {
        const d = data(await page(result, order, 2000, maxDetails));
        expect(Object.keys(d.details).map(Number)).toEqual(expected);
        for (const id of expected) {
          expect(d.details[id]?.connection.id).toBe(id);
          expect(d.details[id]?.labels.length).toBe(d.details[id]?.segments.length);
        }
        expect(d.rows.map((r) => r[0])).toEqual(cs.map((c) => c.id));
      }
    }
  });
});
