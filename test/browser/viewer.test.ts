/**
 * The web viewer as a person uses it, in headless Chromium against a server on 127.0.0.1:
 * open the list, upload a sample, open a connection and see its ladder with both sides'
 * states, filter the connection list; no console errors (a CSP violation would be one).
 * Screenshots are kept in test-artifacts/.
 */
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { listen, type Viewer } from '../../src/web/server.js';
import { ARTIFACTS, HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launch } from '../support/browser.js';
import { CLI, SAMPLES } from '../support/cli.js';
import { servedFolder } from '../support/served.js';

if (!HAVE_CHROMIUM) {
  describe.skip(NO_CHROMIUM_MESSAGE, () => test('viewer', () => {}));
} else {
  describe('the web viewer in Chromium', () => {
    let browser: Browser;
    let viewer: Viewer;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      viewer = await listen({ root: servedFolder().root, maxUploadBytes: 16 << 20, host: '127.0.0.1', port: 0 });
      browser = await launch();
      page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
    });
    afterAll(async () => {
      await browser?.close();
      await viewer?.close();
    });

    test('list → upload a sample → its overview → a connection\'s ladder with both sides\' states', async () => {
      await page.goto(viewer.url);
      expect(await page.locator('#captures a').allTextContents()).toContain('nested/syn flood.pcapng');
      await page.screenshot({ path: join(ARTIFACTS, 'viewer-list.png'), fullPage: true });
      await page.setInputFiles('#capture-file', join(SAMPLES, 'missing-final-ack.pcap'));
      await Promise.all([page.waitForURL(/\/c\/\.tcplens-uploads\//), page.click('#upload button[type=submit]')]);
      expect(await page.locator('#overview').textContent()).toContain('9 (9 TCP)');
      await page.click('text=connections');
      await page.click('#conn-table a >> nth=0');
      await page.waitForSelector('body[data-ready="true"]');
      const labels = await page.locator('#ladder svg text').allTextContents();
      for (const s of ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK']) expect(labels.some((l) => l.includes(s)), s).toBe(true);
      expect(await page.locator('#ladder [data-anomaly="missing-final-ack"]').count()).toBe(1);
      expect(page.url()).toMatch(/\?view=conn&id=1$/);
      await page.screenshot({ path: join(ARTIFACTS, 'viewer-connection.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    test('the connection list filters on the server and keeps the filter in a shareable URL', async () => {
      await page.goto(new URL('/c/nested/syn%20flood.pcapng?view=connections', viewer.url).href);
      expect(await page.locator('#match-count').textContent()).toContain('303 of 303 connections');
      await page.fill('#filters input[name=state]', 'syn_rcvd');
      await page.fill('#filters input[name=host]', '203.0.113.80');
      await Promise.all([page.waitForURL(/state=syn_rcvd/), page.click('#filters button')]);
      expect(await page.locator('#match-count').textContent()).toContain('300 of 303 connections; page 1 of 3');
      await page.click('#next-page');
      expect(await page.locator('#match-count').textContent()).toContain('page 2 of 3');
      await page.screenshot({ path: join(ARTIFACTS, 'viewer-connections.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    test('a capture whose comments hold markup and script: shown as text, nothing runs', async () => {
      await page.goto(new URL(`/c/${encodeURIComponent('odd<img src=y>.pcapng')}`, viewer.url).href);
      expect(await page.locator('.comment').first().textContent()).toContain('<script>window.__pwned=2</script>');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      await page.goto(new URL(`/c/${encodeURIComponent('odd<img src=y>.pcapng')}?view=conn&id=1`, viewer.url).href);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    });
  });
}

test('tcplens serve stops cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const child = spawn(process.execPath, [CLI, 'serve', SAMPLES, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('http://127.0.0.1:')) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0] as string;
    expect((await fetch(url)).status).toBe(200);
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, signal).toBe(0);
    expect(out).toContain('tcplens: stopping');
  }
});
