/**
 * The performance figures in the HTML report, in headless Chromium: the overview's handshake
 * RTT, resent payload and stalled connections, with a link that selects the stalled connection;
 * the selected connection's tcptrace figures table, cell for cell from its JSON record. The
 * screenshot is kept in test-artifacts/figures-zero-window.png.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { AnalysisDocument } from '../../src/report/model.js';
import { ARTIFACTS, HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launch } from '../support/browser.js';
import { SAMPLES, runCli } from '../support/cli.js';
import { listen } from '../../src/web/server.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-figures-'));
const ZERO_WINDOW = join(SAMPLES, 'kernel', 'zero-window.pcap');

if (!HAVE_CHROMIUM) {
  describe.skip(NO_CHROMIUM_MESSAGE, () => test('figures', () => {}));
} else {
  describe('performance figures in the HTML report', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    test('zero-window: the overview lists the stalled connection; its link selects it; the figures table shows its JSON figures', async () => {
      const out = join(tmp, 'zero-window.html');
      expect((await runCli(['analyze', ZERO_WINDOW, '-f', 'html', '-o', out])).code).toBe(0);
      const doc = JSON.parse((await runCli(['analyze', ZERO_WINDOW, '-f', 'json'])).stdout) as AnalysisDocument;
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${pathToFileURL(out).href}#conn-999`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.locator('[data-figure="stalled"]').textContent()).toBe('1');
      expect(await page.locator('[data-figure="resent"]').textContent()).toBe('0 of 65536 bytes (0.0 %)');
      const irtt = (doc.connections[0]?.irtt as number) * 1000;
      expect(await page.locator('[data-figure="handshake-rtt"]').textContent()).toBe(`min ${irtt.toFixed(3)} ms, median ${irtt.toFixed(3)} ms, p95 ${irtt.toFixed(3)} ms, max ${irtt.toFixed(3)} ms over 1 connection`);
      expect(await page.locator('#performance li li').first().textContent()).toContain('zero-window-stall frame 7: the server advertised a zero window');
      // #conn-999 selects nothing; the stalled connection's link selects connection 1.
      await page.locator('[data-conn-link="1"]').click();
      await page.waitForFunction(() => document.querySelector('[data-figures="directions"]') !== null);
      const cells = await page.locator('[data-figures="directions"] tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
      const f = doc.connections[0]!.figures;
      expect(cells[0]).toEqual(['', 'client → server', 'server → client']);
      expect(cells.find((r) => r[0] === 'payload (unique)')).toEqual(['payload (unique)', `${f.client.dataBytes} B in ${f.client.dataPackets} (${f.client.uniqueBytes} B unique)`, '0 B in 0 (0 B unique)']);
      expect(cells.find((r) => r[0] === 'window min/max')).toEqual(['window min/max', `${f.client.windowMin} / ${f.client.windowMax} B`, '2048 / 4096 B']);
      expect(cells.find((r) => r[0] === 'zero windows, probes')).toEqual(['zero windows, probes', '0, 0', '2, 0']);
      expect(cells.find((r) => r[0] === 'options seen')).toEqual(['options seen', 'MSS 65495, wscale 10, SACK, TS', 'MSS 65495, wscale 0, SACK, TS']);
      await page.screenshot({ path: join(ARTIFACTS, 'figures-zero-window.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('the viewer: the overview\'s performance links the stalled connection, whose page shows the same figures table', async () => {
      const root = mkdtempSync(join(tmpdir(), 'tcplens-figures-serve-'));
      copyFileSync(ZERO_WINDOW, join(root, 'zero-window.pcap'));
      const viewer = await listen({ root, maxUploadBytes: 1 << 20, host: '127.0.0.1', port: 0 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(`${viewer.url}c/zero-window.pcap`);
        await page.waitForSelector('#performance');
        expect(await page.locator('#performance [data-figure="stalled"]').textContent()).toBe('1');
        expect(await page.locator('#performance li').textContent()).toBe('connection 1 (tcp.stream 0): zero-window-stall (frame 7)');
        await page.click('#performance li a');
        await page.waitForSelector('[data-figures="directions"]');
        const row = await page.locator('[data-figures="directions"] tr', { hasText: 'zero windows' }).evaluate((tr) => Array.from(tr.children).map((c) => c.textContent));
        expect(row).toEqual(['zero windows, probes', '0, 0', '2, 0']);
        await page.screenshot({ path: join(ARTIFACTS, 'figures-viewer-connection.png'), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await viewer.close();
      }
    });
  });
}
