/**
 * Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, as ../shared's tool
 * notes describe. Suites that need it skip with a message where it is not installed (.ci/run
 * installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './cli.js';

export const CHROMIUM = process.env['TCPLENS_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_MESSAGE = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set TCPLENS_CHROMIUM); browser tests skipped`;
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** Requests that left the page's own origin (a self-contained report makes none). */
  requests: string[];
}

/**
 * Opens a page as a person would and waits until it says it is ready (body[data-ready]),
 * recording its errors and every request to anywhere but file: and the local viewer.
 */
export async function openPage(browser: Browser, url: string, opts: { height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: opts.height ?? 1200 }, colorScheme: opts.colorScheme ?? 'light' });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('http://127.0.0.1')) requests.push(r.url());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, errors, requests };
}
