/**
 * `tcplens serve`: a local web viewer over a folder of captures (express + ejs). Binds to
 * 127.0.0.1 unless told otherwise; every page has a JSON twin under /api; capture paths stay
 * inside the folder (web/paths.ts); uploads are capped, checked by magic number and never
 * overwrite; a strict content security policy allows only this server's own scripts and
 * styles; errors never show a stack trace.
 */
import { explanation } from '../analysis/anomaly-ids.js';
import { hostPart } from '../decode/format.js';
import { mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import multer from 'multer';
import { atByte, isWholeCapture } from '../capture/errors.js';
import { discover, looksLikeCapture } from '../capture/find-captures.js';
import { asset, viewsDir } from '../report/views.js';
import { AnalysisCache } from './cache.js';
import { hostGuard, sameOriginGuard } from './guards.js';
import { HttpError } from './http-error.js';
import { captureUrl, displayPath } from './paths.js';
import { captureRoutes } from './routes/capture.js';
import { CaptureListing } from './routes/list.js';
import { etagOf, HTML, JSON_TYPE, sendAnswer } from './response-cache.js';

export interface ServeOptions {
  root: string;
  /** Where uploads are stored (inside root, so they are listed and served like the rest). */
  dataDir?: string;
  maxUploadBytes: number;
  host: string;
  port: number;
  /** How long a request waits for a running analysis before answering with its progress (default 1500 ms). */
  pageWaitMs?: number;
  /** How long the folder's listing is kept when no folder changed (default routes/list.ts LISTING_TTL_MS). */
  listingTtlMs?: number;
}

export interface Viewer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export { HttpError };

export function createApp(opts: ServeOptions, cache = new AnalysisCache()): express.Express {
  const root = realpathSync(opts.root);
  const dataDir = opts.dataDir ?? join(root, '.tcplens-uploads');
  const app = express();
  app.disable('x-powered-by');
  // Before anything else: a request for another host name (DNS rebinding) gets no page at all.
  app.use(hostGuard(opts.host));
  app.set('view engine', 'ejs');
  // Compile each template once (express caches views only under NODE_ENV=production by default):
  // compiling per request was most of a page's time under load.
  app.set('view cache', true);
  app.set('views', join(viewsDir(), 'web'));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  app.locals['captureUrl'] = captureUrl;
  app.locals['isWholeCapture'] = isWholeCapture;
  app.locals['atByte'] = atByte;
  app.locals['formatBytes'] = formatBytes;
  // Every report explains an anomaly id with the same sentences (analysis/anomaly-ids.ts).
  app.locals['explanation'] = explanation;

  for (const name of ['report.css', 'viewer.css', 'ladder.js', 'figures.js', 'graphs.js', 'keys.js', 'viewer.js']) {
    app.get(`/assets/${name}`, (_req, res) => {
      res.type(name.endsWith('.css') ? 'text/css' : 'text/javascript').set('Cache-Control', 'no-cache').send(asset(name));
    });
  }

  // Browsers ask for it on every page; there is none, and that is not an error.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  const listing = new CaptureListing(root, (dir) => discover([dir]).files, opts.listingTtlMs, (old) => cache.answers.drop(old));
  app.get(['/', '/api/captures'], (req, res, next) => {
    const captures = listing.current();
    const api = req.path.startsWith('/api/');
    // Made once per listing (the listing is the answers' scope: a new one starts them afresh).
    const kept = cache.answers.get(captures, req.path);
    if (kept !== undefined) return sendAnswer(res, kept);
    const keep = (text: string, type: string): void => {
      const body = Buffer.from(text, 'utf8');
      sendAnswer(res, cache.answers.set(captures, req.path, body, type, etagOf(res, body)));
    };
    if (api) keep(JSON.stringify({ root: displayPathOfRoot(root), captures }), JSON_TYPE);
    else res.render('list', { captures, maxUpload: opts.maxUploadBytes, message: null }, (err: Error | null, html: string) => (err ? next(err) : keep(html, HTML)));
  });

  const upload = multer({
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => {
        try {
          mkdirSync(dataDir, { recursive: true });
          cb(null, dataDir);
        } catch (err) {
          cb(err as Error, dataDir);
        }
      },
      // Never overwrite: a time stamp and a random part before the (sanitized) name.
      filename: (_req, file, cb) => cb(null, `${Date.now()}-${Math.random().toString(36).slice(2, 8)}-${file.originalname.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80) || 'capture'}`),
    }),
    limits: { fileSize: opts.maxUploadBytes, files: 1, fields: 4 },
  });

  // multer's own errors (sizes, counts) keep their status; a body that is not a readable form
  // (busboy: "Unexpected end of form", "Boundary not found") is the client's fault: 400.
  const receive = upload.single('capture');
  const uploadForm = (req: Request, res: Response, next: NextFunction): void => {
    receive(req, res, (err?: unknown) => {
      if (err === undefined || err === null || err instanceof multer.MulterError || isSystemError(err)) return next(err);
      next(new HttpError(400, `The upload is not a readable form (${err instanceof Error ? err.message : String(err)}): send it as multipart/form-data with the capture in the field "capture".`));
    });
  };

  app.post(['/upload', '/api/upload'], sameOriginGuard, uploadForm, (req, res, next) => {
    const api = req.path.startsWith('/api/');
    const file = req.file;
    if (file === undefined) return next(new HttpError(400, 'No file was uploaded: send the capture in the form field "capture".'));
    if (!looksLikeCapture(file.path)) {
      unlinkSync(file.path);
      return next(new HttpError(400, `${file.originalname} is not a capture file: tcplens reads pcap, pcapng and snoop files, and their gzip'd forms.`));
    }
    const url = captureUrl(displayPath(root, realpathSync(file.path)));
    cache.get(realpathSync(file.path)); // analysed on arrival
    listing.invalidate(); // listed at once, whatever the folder's times say
    if (api) res.status(201).json({ url, api: url.replace(/^\/c\//, '/api/c/') });
    else res.redirect(303, url);
  });

  captureRoutes(app, root, cache, opts.pageWaitMs ?? 1500);

  app.use((req, _res, next) => next(new HttpError(404, `Nothing at ${req.path}.`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let message = 'Something went wrong on the server; the details are in its log.';
    if (err instanceof HttpError) ({ status, message } = err);
    else if (err instanceof URIError) {
      // The router could not percent-decode the path (`/c/%`, `/c/%c0%ae`).
      status = 400;
      message = 'The address is not valid percent-encoding.';
    }
    else if (err instanceof multer.MulterError) {
      status = err.code === 'LIMIT_FILE_SIZE' ? 413 : 400;
      message = err.code === 'LIMIT_FILE_SIZE' ? `The upload is larger than the ${formatBytes(opts.maxUploadBytes)} limit (--max-upload).` : `Upload refused: ${err.message}.`;
    } else process.stderr.write(`tcplens serve: ${req.method} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    res.status(status);
    if (req.path.startsWith('/api/')) res.json({ error: message, status });
    else res.render('error', { status, message });
  });
  return app;
}

/** An error of the operating system (a full disk, a folder we may not write), not of the request. */
function isSystemError(err: unknown): boolean {
  return typeof (err as { syscall?: unknown } | null)?.syscall === 'string';
}

function displayPathOfRoot(root: string): string {
  return root;
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** "512MB", "10 M", "1GB", "4096" → bytes; null when unreadable. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (m === null) return null;
  const unit = (m[2] ?? 'b').toLowerCase()[0] as string;
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

export function listen(opts: ServeOptions): Promise<Viewer> {
  const cache = new AnalysisCache();
  const app = createApp(opts, cache);
  return new Promise((resolve, reject) => {
    const server = app.listen(opts.port, opts.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
      const host = hostPart(opts.host);
      resolve({
        server,
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
              // The analyses stop, their threads end and the spool files go with the server.
              void cache.close().then(done, done);
            });
            server.closeAllConnections();
          }),
      });
    });
    server.on('error', reject);
  });
}
