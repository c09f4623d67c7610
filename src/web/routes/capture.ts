/**
 * A capture's pages and their JSON twins. URLs name the capture and the view, so they can be
 * shared: /c/PATH (overview), /c/PATH?view=connections&state=time_wait&page=2,
 * /c/PATH?view=conn&id=7, /c/PATH?view=anomalies; the same under /api/c/PATH.
 */
import type express from 'express';
import type { Request, Response, NextFunction } from 'express';
import { ANOMALY_IDS } from '../../analysis/anomaly-ids.js';
import { looksLikeCapture } from '../../capture/find-captures.js';
import { checkFilter, FilterInputError, type ConnectionFilter } from '../../report/filters.js';
import { scriptSafeJson } from '../../report/formats/html.js';
import { digitsOfIso, isoTimestamp, segmentLabels, TIME_MODES, TimeFormatter, type TimeMode } from '../../report/time-format.js';
import { packSegment, SEGMENT_KEYS } from '../../report/packed-segments.js';
import type { AnalysisCache, Analysis } from '../cache.js';
import { SORT_KEYS, type SortKey } from '../connection-store.js';
import { captureUrl, displayPath, insideRoot } from '../paths.js';
import { HttpError } from '../http-error.js';
import { etagOf, HTML, JSON_TYPE, sendAnswer } from '../response-cache.js';

const PAGE_SIZE = 100;
const ANOMALY_PAGE_SIZE = 200;

function pageOf(query: Request['query']): number {
  const page = Number(query['page'] ?? 1);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

function list(q: unknown): string[] {
  if (q === undefined || q === '') return [];
  return (Array.isArray(q) ? q : [q]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Reads ?host=&port=&state=&anomaly= with the same checks as the CLI's options (report/filters.ts). */
export function filterFrom(query: Request['query']): ConnectionFilter {
  try {
    return checkFilter(
      {
        host: list(query['host']),
        port: list(query['port']),
        state: list(query['state']),
        anomaly: list(query['anomaly']),
        stream: list(query['stream']).map(Number),
        'conn-state': list(query['conn_state']),
        'history-has': list(query['history_has']),
        flag: list(query['flag']),
      },
      ANOMALY_IDS,
    );
  } catch (e) {
    if (e instanceof FilterInputError) throw new HttpError(400, `${e.option} ${e.message}.`);
    throw e;
  }
}

/** ?time=iso|epoch|relative|delta (tshark's -t ud|e|r|dd), as the command line's --time; iso by default. */
function timeModeOf(query: Request['query']): TimeMode {
  const t = String(query['time'] ?? 'iso');
  if (!(TIME_MODES as readonly string[]).includes(t)) throw new HttpError(400, `time must be one of ${TIME_MODES.join(', ')}.`);
  return t as TimeMode;
}

export function captureRoutes(app: express.Express, root: string, cache: AnalysisCache, pageWaitMs: number): void {
  app.get(/^\/(api\/)?c\/(.+)$/, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const params = req.params as unknown as Record<string, string | undefined>;
      const api = params['0'] !== undefined && params['0'] !== '';
      const requested = params['1'] ?? '';
      const file = insideRoot(root, requested);
      // A file that is not a capture is as absent as a missing one: its bytes are never quoted.
      if (file === null || !looksLikeCapture(file)) throw new HttpError(404, 'No such capture here.');
      const display = displayPath(root, file);
      const base = captureUrl(display);
      const analysis = cache.get(file);
      if (analysis.state !== 'done' && pageWaitMs > 0) {
        // Small captures finish within a moment: wait briefly rather than answer with progress.
        // Past that, a page shows the progress and an API client gets 202 with it, and polls.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([analysis.promise, new Promise((r) => (timer = setTimeout(r, pageWaitMs)))]);
        clearTimeout(timer);
      }
      // Stopped (its capture left the cache meanwhile): the page refreshes and the next visit starts again.
      if (analysis.state !== 'done' || analysis.cancelled) return progress(res, api, display, analysis);
      if (analysis.failure !== null || analysis.store === null) throw new HttpError(500, `tcplens could not analyse ${display}: ${analysis.failure ?? 'no result'}. The details are in the viewer's log; the other captures are not affected.`);
      const store = analysis.store;
      const view = String(req.query['view'] ?? 'overview');
      // A page or JSON answer of this analysis made before is sent as it was made (web/response-cache.ts):
      // the answer depends only on the analysis and the address (path and query, as written).
      const kept = view === 'packets' ? undefined : cache.answers.get(analysis, req.originalUrl);
      if (kept !== undefined) return sendAnswer(res, kept);
      const keep = (text: string, type: string): void => {
        const body = Buffer.from(text, 'utf8');
        sendAnswer(res, cache.answers.set(analysis, req.originalUrl, body, type, etagOf(res, body)));
      };
      const json = (body: unknown): void => keep(JSON.stringify(body), JSON_TYPE);
      const render = (name: string, locals: object): void =>
        res.render(name, locals, (err: Error | null, html: string) => (err ? next(err) : keep(html, HTML)));
      const time = timeModeOf(req.query);
      const digits = digitsOfIso(analysis.capture?.firstIso);
      const origin = analysis.capture?.first ?? null;
      // Absolute anchors (a connection's start and end): ISO, or the epoch with time=epoch.
      const anchor = new TimeFormatter(time === 'epoch' ? 'epoch' : 'iso', digits, null);
      const common = { path: display, base, error: analysis.error, time, timeModes: TIME_MODES };
      if (view === 'overview') {
        const body = { ...common, capture: analysis.capture, connections: store.count, ...store.summary(analysis.captureWide), captureWide: analysis.captureWide, warnings: analysis.warnings, charts: store.charts() };
        return api ? json(body) : render('overview', { ...body, chartsJson: scriptSafeJson(body.charts) });
      }
      if (view === 'connections') {
        const sort = String(req.query['sort'] ?? 'id') as SortKey;
        if (!SORT_KEYS.includes(sort)) throw new HttpError(400, `sort must be one of ${SORT_KEYS.join(', ')}.`);
        const result = store.query({ filter: filterFrom(req.query), sort, descending: req.query['order'] === 'desc', page: pageOf(req.query), pageSize: PAGE_SIZE });
        const query = {
          host: list(req.query['host']).join(','),
          port: list(req.query['port']).join(','),
          state: list(req.query['state']).join(','),
          anomaly: list(req.query['anomaly']).join(','),
          conn_state: list(req.query['conn_state']).join(','),
          history_has: list(req.query['history_has']).join(','),
          flag: list(req.query['flag']).join(','),
          sort,
          order: req.query['order'] === 'desc' ? 'desc' : 'asc',
        };
        const starts = new TimeFormatter(time, digits, origin);
        const startText = result.connections.map((c) => starts.text(c.start));
        return api ? json({ ...common, ...result }) : render('connections', { ...common, ...result, query: { ...query, time }, sortKeys: SORT_KEYS, anomalyIds: ANOMALY_IDS, startText });
      }
      if (view === 'conn') {
        const id = Number(req.query['id']);
        const record = store.get(id);
        if (!Number.isInteger(id) || record === undefined) throw new HttpError(404, `This capture has no connection ${String(req.query['id'])}.`);
        const { segments, truncated } = await cache.timelineOf(file, record);
        const body = { ...common, connection: record, segments, segmentsTruncated: truncated };
        // Neighbours for the keyboard's n and p (ids are 1…count once the analysis is done).
        const near = { prevId: store.has(id - 1) ? id - 1 : null, nextId: store.has(id + 1) ? id + 1 : null };
        // The API's segments carry ISO 8601 beside their epoch strings (the pages embed them packed, without).
        if (api) return json({ ...body, segments: segments.map((sg) => ({ ...sg, tsIso: isoTimestamp(sg.ts, digits) })) });
        const at = new TimeFormatter(time === 'delta' ? 'relative' : time, digits, origin);
        const when = (ts: string | null): string => (time === 'iso' || time === 'epoch' ? anchor.text(ts) : at.text(ts));
        return render('connection', {
          ...body,
          ...near,
          span: `${anchor.text(record.start)} → ${anchor.text(record.end)}${time === 'epoch' ? '' : ' UTC'}`,
          when,
          dataJson: scriptSafeJson({ connection: record, segmentKeys: SEGMENT_KEYS, segments: segments.map(packSegment), labels: segmentLabels(time, digits, origin, segments) }),
        });
      }
      if (view === 'packets') {
        // The connection's frames, as `tcplens slice --conn ID` writes them: a download.
        const id = Number(req.query['id']);
        if (!Number.isInteger(id) || store.get(id) === undefined) throw new HttpError(404, `This capture has no connection ${String(req.query['id'])}.`);
        const format = analysis.capture?.format;
        const ext = format === 'pcapng' ? 'pcapng' : format === 'snoop' ? 'snoop' : 'pcap';
        res.setHeader('Content-Type', format === 'pcapng' ? 'application/x-pcapng' : 'application/vnd.tcpdump.pcap');
        res.setHeader('Content-Disposition', `attachment; filename="conn-${id}.${ext}"`);
        let blocked: Promise<void> | null = null;
        // A download given up stops its slice thread's work.
        const gaveUp = new AbortController();
        const stop = (): void => {
          if (!res.writableFinished) gaveUp.abort();
        };
        res.once('close', stop);
        try {
          await cache.packetsOf(
            file,
            id,
            (bytes) => {
              if (!res.write(bytes) && blocked === null && !res.destroyed) {
                blocked = new Promise((r) => {
                  const go = (): void => {
                    blocked = null;
                    r();
                  };
                  res.once('drain', go);
                  res.once('close', go);
                });
              }
            },
            () => blocked ?? undefined,
            gaveUp.signal,
          );
        } catch (err) {
          if (gaveUp.signal.aborted) return; // nobody is listening any more
          if (!res.headersSent) throw err;
          // Cut short after its first bytes: the download must not look complete.
          process.stderr.write(`tcplens serve: the packets of connection ${id} of ${display} could not be written: ${err instanceof Error ? err.message : String(err)}\n`);
          res.destroy();
          return;
        } finally {
          res.off('close', stop);
        }
        res.end();
        return;
      }
      if (view === 'anomalies') {
        // Capture-wide findings head the first page; the connections' follow in id order, a page at a time.
        const pageResult = store.anomalies(pageOf(req.query), ANOMALY_PAGE_SIZE);
        const wide = pageResult.page === 1 ? analysis.captureWide.map((a) => ({ ...a, conn: null as number | null })) : [];
        const body = { ...common, ...pageResult, total: pageResult.total + analysis.captureWide.length, anomalies: [...wide, ...pageResult.anomalies] };
        return api ? json(body) : render('anomalies', body);
      }
      throw new HttpError(400, 'view must be overview, connections, conn, packets or anomalies.');
    } catch (err) {
      next(err);
    }
  });
}

function progress(res: Response, api: boolean, display: string, a: Analysis): void {
  const percent = a.totalBytes > 0 ? Math.min(100, Math.round((a.bytesRead / a.totalBytes) * 100)) : 0;
  // queued: waiting for one of the viewer's analysis threads (web/cache.ts).
  const body = { path: display, state: a.state === 'queued' ? 'queued' : 'running', bytesRead: a.bytesRead, totalBytes: a.totalBytes, percent };
  if (api) res.status(202).json(body);
  else res.status(202).render('progress', body);
}
