/**
 * report/formats/json.ts: the JSON document gathered one connection at a time (in any order,
 * spooled to a temporary file past its memory budget) is byte for byte what
 * JSON.stringify(doc, null, 1) writes for the whole document at once.
 */
import type { TrackerWarning } from '../../src/tcp/tracker.js';
import { performanceOf } from '../../src/report/performance.js';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { analysisDocument, analyzeCapture } from '../../src/pipeline.js';
import { JsonDocument } from '../../src/report/formats/json.js';
import type { ConnectionRecord } from '../../src/report/model.js';

/** What analyze-run's LineWriter does with text and UTF-8 bytes: writes them as they are. */
function lines(): { write(s: string | Uint8Array): void; wait(): void; text(): string } {
  let out = '';
  return {
    write(s: string | Uint8Array) {
      out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
    },
    wait() {},
    text: () => out,
  };
}

async function written(records: ConnectionRecord[], capture: Parameters<JsonDocument['finish']>[1], anomalies: unknown[], budget: number, warnings: TrackerWarning[] = []): Promise<string> {
  const doc = new JsonDocument(budget);
  for (const r of records) doc.add(r);
  const out = lines();
  await doc.finish(out, capture, anomalies, warnings);
  return out.text();
}

const samples = ['syn-flood.pcapng', 'missing-final-ack.pcap', 'simultaneous-close.pcap'].map((f) => fileURLToPath(new URL(`../../samples/${f}`, import.meta.url)));

describe('the JSON document, one connection at a time', () => {
  test('the analysis\'s warnings go in the document\'s tail, after the anomalies', async () => {
    const result = await analyzeCapture(samples[1] as string, 'x');
    const warnings: TrackerWarning[] = [{ code: 'CONNECTION_LIMIT', frame: 7, message: 'm' }];
    const expected = `${JSON.stringify({ ...analysisDocument(result), warnings }, null, 1)}\n`;
    expect(await written(result.connections, result.capture, result.anomalies, 0, warnings)).toBe(expected);
  });

  test.each(samples)('%s: the same bytes, in memory and spooled, whatever order connections end in', async (file) => {
    const result = await analyzeCapture(file, file);
    const expected = `${JSON.stringify(analysisDocument(result), null, 1)}\n`;
    expect(result.connections.length).toBeGreaterThan(0);
    const reversed = [...result.connections].reverse();
    const shuffled = [...result.connections].sort((a, b) => ((a.id * 7919) % 13) - ((b.id * 7919) % 13));
    for (const budget of [1 << 30, 0, 3000]) {
      for (const order of [result.connections, reversed, shuffled]) {
        expect(await written(order, result.capture, result.anomalies, budget, result.warnings)).toBe(expected);
      }
    }
  });

  test('no connections: "connections": [] as JSON.stringify writes it', async () => {
    const result = await analyzeCapture(samples[1] as string, 'x');
    const doc = { ...analysisDocument(result), connections: [], performance: performanceOf([]) };
    expect(await written([], result.capture, result.anomalies, 0)).toBe(`${JSON.stringify(doc, null, 1)}\n`);
  });

  test('text beyond ASCII survives the spool (lengths in bytes, not characters) and filtered-out ids leave no gap', async () => {
    const result = await analyzeCapture(samples[1] as string, 'x');
    const base = result.connections[0] as ConnectionRecord;
    const records = [3, 1, 7, 2].map((id) => ({ ...base, id, stateNotes: { client: `é — 𝔘 ${id} "quoted"\n`, server: null } }) as ConnectionRecord);
    const sorted = [...records].sort((a, b) => a.id - b.id);
    const expected = `${JSON.stringify({ ...analysisDocument(result), connections: sorted, performance: performanceOf(sorted) }, null, 1)}\n`;
    expect(await written(records, result.capture, result.anomalies, 0)).toBe(expected);
    expect(await written(records, result.capture, result.anomalies, 1 << 30)).toBe(expected);
  });
});
