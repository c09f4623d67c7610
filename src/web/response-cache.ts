/**
 * Finished answers kept, ready to send: the bytes of a rendered page or a JSON body, its type
 * and its ETag. Under load the same few pages are asked for again and again (a refresh, many
 * people on one link, 200 requests at once in bench/viewer-load.ts), and rendering a table of
 * 100 connections with ejs, or stringifying 100 records, then hashing the result for its ETag,
 * was most of the viewer's own thread per request. A hit costs a map lookup and one write.
 *
 * An answer belongs to a scope (one analysis of one capture, or one listing of the folder) and
 * is kept only while that scope is current: a changed file gets a new analysis (web/cache.ts),
 * whose answers start empty, and drop() forgets a scope's answers when it leaves. Least
 * recently used out first, bounded in entries and bytes; an answer larger than a quarter of the
 * budget is sent but not kept.
 */
import type { Response } from 'express';

export interface KeptAnswer {
  body: Buffer;
  /** Content-Type. */
  type: string;
  etag: string;
}

export interface ResponseCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

const DEFAULT_LIMITS: ResponseCacheLimits = { maxEntries: 512, maxBytes: 32 * 2 ** 20 };

export const HTML = 'text/html; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

export class ResponseCache {
  private readonly answers = new Map<string, KeptAnswer & { scope: number }>();
  private readonly scopes = new WeakMap<object, number>();
  private nextScope = 1;
  private bytes = 0;
  private readonly limits: ResponseCacheLimits;

  constructor(limits: Partial<ResponseCacheLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Bytes kept (for tests and the bench). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.answers.size, bytes: this.bytes };
  }

  /** A scope's number; 0 for a dropped scope (its answers are no longer kept). */
  private scopeOf(scope: object): number {
    let n = this.scopes.get(scope);
    if (n === undefined) {
      n = this.nextScope++;
      this.scopes.set(scope, n);
    }
    return n;
  }

  get(scope: object, key: string): KeptAnswer | undefined {
    const k = `${this.scopeOf(scope)} ${key}`;
    const hit = this.answers.get(k);
    if (hit === undefined) return undefined;
    this.answers.delete(k);
    this.answers.set(k, hit); // most recently used last
    return hit;
  }

  /** Keeps an answer (unless it is too large to be worth its room) and returns it. */
  set(scope: object, key: string, body: Buffer, type: string, etag: string): KeptAnswer {
    const n = this.scopeOf(scope);
    const k = `${n} ${key}`;
    const answer = { body, type, etag, scope: n };
    this.remove(k);
    // Made while its scope left (a ladder read as the analysis was retired): sent, not kept.
    if (n === 0 || body.length > this.limits.maxBytes / 4) return answer;
    this.answers.set(k, answer);
    this.bytes += body.length;
    while (this.answers.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) this.remove(this.answers.keys().next().value as string);
    return answer;
  }

  /** Forgets every answer kept. */
  clear(): void {
    this.answers.clear();
    this.bytes = 0;
  }

  /** Forgets every answer of a scope (its analysis left the cache, the folder changed). */
  drop(scope: object): void {
    const n = this.scopes.get(scope);
    this.scopes.set(scope, 0);
    if (n === undefined || n === 0) return;
    for (const [k, a] of this.answers) if (a.scope === n) this.remove(k);
  }

  private remove(k: string): void {
    const old = this.answers.get(k);
    if (old === undefined) return;
    this.answers.delete(k);
    this.bytes -= old.body.length;
  }
}

/**
 * Sends a kept answer as express would have sent the original: same type, same ETag (so a
 * conditional request still gets 304: express checks freshness against the ETag header set
 * here, and does not hash the body again).
 */
export function sendAnswer(res: Response, a: KeptAnswer): void {
  res.set('Content-Type', a.type);
  if (a.etag !== '') res.set('ETag', a.etag);
  res.send(a.body);
}

/** The ETag express gives a body (its `etag fn` setting: weak by default), or '' when ETags are off. */
export function etagOf(res: Response, body: Buffer): string {
  const fn = res.app.get('etag fn') as ((body: Buffer, encoding?: string) => string) | undefined;
  return typeof fn === 'function' ? fn(body) : '';
}
