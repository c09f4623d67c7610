/**
 * Who may talk to the viewer. It serves the captures of this machine to a browser on this
 * machine, so:
 * - DNS rebinding: a page of evil.example whose name is made to resolve to 127.0.0.1 reaches the
 *   viewer with `Host: evil.example`. Only the address the viewer listens on, `localhost` and (when
 *   it listens on every address) IP literals and this machine's name are answered; anything else
 *   is 403 before any route runs. An IP literal cannot be rebound.
 * - Cross-site requests that change something (`POST /upload`): a form on another site can post
 *   to 127.0.0.1. Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`); a request
 *   that says another site is refused with 403. Clients that say nothing (curl, scripts) are
 *   let through: they are not a browser being abused.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './http-error.js';

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '']);

/** The host name of a Host header, without port and IPv6 brackets, lower case; null when unreadable. */
export function hostOf(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(header.trim());
  if (m === null) return null;
  return (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, '');
}

/** Whether a Host header names this viewer (see the file comment). */
export function allowedHost(header: string | undefined, listenHost: string): boolean {
  const host = hostOf(header);
  if (host === null) return false;
  const listen = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === listen || host === 'localhost' || host.endsWith('.localhost')) return true;
  if (LOCAL_NAMES.has(listen) && LOCAL_NAMES.has(host)) return true;
  if (ANY_ADDRESS.has(listen)) return isIP(host) !== 0 || host === hostname().toLowerCase();
  return false;
}

export function hostGuard(listenHost: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (allowedHost(req.headers.host, listenHost)) return next();
    next(new HttpError(403, `This viewer answers only requests addressed to ${listenHost} or localhost, not to ${String(req.headers.host ?? 'no host')}.`));
  };
}

/** Refuses a request that a browser marks as coming from another site (see the file comment). */
export function sameOriginGuard(req: Request, _res: Response, next: NextFunction): void {
  const refuse = (): void => next(new HttpError(403, 'Uploads are accepted only from the viewer\'s own pages, not from another site.'));
  // A browser that sends Sec-Fetch-Site has said it all (pages cannot set it). Its Origin may be
  // "null" even for our own form: helmet's Referrer-Policy no-referrer makes Chromium send that.
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? next() : refuse();
  const origin = req.headers.origin;
  if (origin === undefined) return next();
  let own = false;
  try {
    const url = new URL(origin);
    own = url.host === req.headers.host && (url.protocol === 'http:' || url.protocol === 'https:');
  } catch {
    own = false;
  }
  return own ? next() : refuse();
}
