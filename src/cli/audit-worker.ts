/**
 * One capture of an audit, on a worker thread (piscina). Streams the file with bounded memory:
 * connection records are counted and dropped; an HTML report asked for gathers them one at a
 * time (report/formats/html.ts HtmlReport spools them) and is written at the capture's end.
 */
import { createWriteStream, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../analysis/anomaly.js';
import { atByte, describeAt, isWholeCapture } from '../capture/errors.js';
import { analyzeCapture, type AnalyzeOptions } from '../pipeline.js';
import { SEVERITY_RANK, type AuditFileResult } from '../report/audit.js';
import { anomalyRow, connectionRow, type AuditRows } from '../report/audit-rows.js';
import { HtmlReport } from '../report/formats/html.js';
import { LineWriter } from './output.js';

export interface AuditTask {
  file: string;
  options: Partial<AnalyzeOptions>;
  /** Write the file's HTML report here under `htmlName`. */
  htmlDir: string | null;
  htmlName: string;
  version: string;
  /** Return the rows of the files/connections/anomalies tables too (--db, --parquet). */
  rows?: boolean;
}

export default async function auditOne(task: AuditTask): Promise<AuditFileResult> {
  const started = process.hrtime.bigint();
  const anomalies: Record<string, number> = {};
  const severities: Record<string, Severity> = {};
  let maxSeverity: Severity | null = null;
  const note = (id: string, severity: Severity): void => {
    anomalies[id] = (anomalies[id] ?? 0) + 1;
    severities[id] = severity;
    if (maxSeverity === null || SEVERITY_RANK[severity] > SEVERITY_RANK[maxSeverity]) maxSeverity = severity;
  };
  const withHtml = task.htmlDir !== null;
  const report = withHtml ? new HtmlReport({ version: task.version }) : null;
  const rows: AuditRows | null = task.rows ? { capture: { format: null, gzip: false, bytes: 0, first: null, last: null }, connections: [], anomalies: [] } : null;
  const result = await analyzeCapture(task.file, task.file, task.options, {
    collect: false,
    ...(withHtml ? { segmentBudget: { perConnection: 400, total: 100_000 } } : {}),
    onConnection(record, segments) {
      for (const a of record.anomalies) note(a.id, a.severity);
      report?.add(record, segments);
      if (rows !== null) {
        rows.connections.push(connectionRow(record));
        for (const a of record.anomalies) rows.anomalies.push(anomalyRow(a, record));
      }
    },
  });
  for (const a of result.anomalies) note(a.id, a.severity);
  if (rows !== null) {
    for (const a of result.anomalies) rows.anomalies.push(anomalyRow(a, null));
    const info = result.decode.info;
    rows.capture = { format: info.format, gzip: info.gzip, bytes: result.decode.capturedBytes, first: result.decode.firstTs, last: result.decode.lastTs };
  }
  let html: string | null = null;
  if (report !== null && result.decode.packets > 0) {
    // Opened at once (a folder that cannot be written is this capture's error); a write that
    // fails later is thrown by end().
    const path = join(task.htmlDir as string, task.htmlName);
    const out = new LineWriter(createWriteStream(path, { fd: openSync(path, 'w') }));
    await report.finish(out, result.capture, result.anomalies, result.warnings);
    await out.end(true);
    html = task.htmlName;
  }
  const d = result.decode;
  return {
    file: task.file,
    packets: d.packets,
    tcpPackets: d.tcpPackets,
    connections: result.connectionCount,
    anomalies,
    maxSeverity,
    severities,
    warnings: [...d.warnings.map((w) => (isWholeCapture(w.code) ? w.message : describeAt(task.file, w.fileOffset, w.message, d.info.gzip))), ...result.warnings.map((w) => w.message)],
    error: d.error ? `${atByte(d.error.fileOffset, d.info.gzip)}: ${d.error.message}` : null,
    html,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    ...(rows !== null ? { rows } : {}),
  };
}

