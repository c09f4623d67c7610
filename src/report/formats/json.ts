/**
 * `analyze --format json` in bounded memory: the one document of the README ("The JSON
 * document"), byte for byte what `JSON.stringify(doc, null, 1)` writes, gathered one connection
 * at a time as connections end.
 *
 * The document's order is fixed (capture first, connections by id, then the capture-wide
 * anomalies) and its top needs what only the capture's end tells (packets, last, warnings), so
 * each connection is serialised as it ends and kept as text in an IdSpool (id-spool.ts: memory,
 * then an unlinked temporary file). finish() writes the head, then the connections in id order,
 * then the tail.
 */
import type { TrackerWarning } from '../../tcp/tracker.js';
import type { CaptureRecord, ConnectionRecord } from '../model.js';
import { PerformanceTally } from '../performance.js';
import { IdSpool, MEMORY_BUDGET, type SpoolSink } from './id-spool.js';

/** `JSON.stringify(value, null, 1)` as it reads at `depth` inside the document (indentation of one space per level). */
function nested(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 1);
  // JSON text has no raw line breaks inside strings, so every one is a line of the layout.
  return text.includes('\n') ? text.replace(/\n/g, `\n${' '.repeat(depth)}`) : text;
}

/**
 * A connection as it reads in the document's "connections" array (two levels in, two spaces
 * before its brace): JSON.stringify lays it out there itself when given it two arrays deep, so no
 * second pass re-indents it. `[[c]]` is written "[\n [\n  {…}\n ]\n]": five characters either side.
 */
function asElementOfConnections(c: ConnectionRecord): string {
  return JSON.stringify([[c]], null, 1).slice(5, -5);
}

export class JsonDocument {
  /** Serialised connections, by id. */
  private readonly texts: IdSpool;
  count = 0;
  /** The document's performance summary, counted as connections are added. */
  private readonly performance = new PerformanceTally();

  constructor(budget = MEMORY_BUDGET) {
    this.texts = new IdSpool(budget, 'tcplens-json');
  }

  /** One connection, as it ends (in any order). */
  add(c: ConnectionRecord): void {
    this.performance.add(c);
    this.count++;
    this.texts.add(c.id, asElementOfConnections(c));
  }

  /** Writes the whole document (and a line break) to `out`, waiting on its backpressure. */
  async finish(out: SpoolSink, capture: CaptureRecord, anomalies: readonly unknown[], warnings: readonly TrackerWarning[] = []): Promise<void> {
    const head = `{\n "tcplens": 1,\n "capture": ${nested(capture, 1)},\n "connections": [`;
    const tail =
      `${this.count === 0 ? '' : '\n '}],\n "anomalies": ${nested(anomalies, 1)},\n "warnings": ${nested(warnings, 1)},\n` +
      ` "performance": ${nested(this.performance.summary(), 1)}\n}`;
    if (this.count === 0) {
      out.write(`${head}${tail}\n`);
      return;
    }
    out.write(`${head}\n`);
    let first = true;
    try {
      for (let id = 1; id <= this.texts.maxId; id++) {
        const text = this.texts.take(id);
        if (text === undefined) continue;
        if (!first) out.write(',\n');
        out.write(text);
        first = false;
        const full = out.wait();
        if (full) await full;
      }
    } finally {
      this.texts.close();
    }
    out.write(`${tail}\n`);
  }
}
