/**
 * The HTML report as a person sees it, in headless Chromium: it opens from file:// with no
 * console errors and no network requests; the ladder of a known sample shows its transitions
 * and anomaly badges; the table filters and pages; everything from the capture is escaped.
 * Screenshots are kept in test-artifacts/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { ARTIFACTS, HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launch, openPage, type OpenedPage } from '../support/browser.js';
import { SAMPLES, runCli } from '../support/cli.js';
import { hostileCapture } from '../support/served.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-html-'));

async function report(capture: string, name: string): Promise<string> {
  const out = join(tmp, `${name}.html`);
  const run = await runCli(['analyze', capture, '-f', 'html', '-o', out]);
  expect(run.code).toBe(0);
  return out;
}

type Opened = OpenedPage;

if (!HAVE_CHROMIUM) {
  describe.skip(NO_CHROMIUM_MESSAGE, () => test('html report', () => {}));
} else {
  describe('HTML report in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launch();
    });
    afterAll(async () => {
      await browser?.close();
    });

    const open = (file: string): Promise<Opened> => openPage(browser, pathToFileURL(file).href, { height: 1600 });

    test('fin-retransmitted: the ladder shows both sides\' transitions and the anomaly badge', async () => {
      const { page, errors, requests } = await open(await report(join(SAMPLES, 'fin-retransmitted.pcap'), 'fin'));
      const labels = await page.locator('#ladder svg text').allTextContents();
      for (const state of ['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'CLOSE-WAIT', 'FIN-WAIT-2', 'LAST-ACK', 'TIME-WAIT', 'CLOSED']) {
        expect(labels.some((l) => l.includes(state)), state).toBe(true);
      }
      expect(labels.some((l) => l.includes('(projected)'))).toBe(true);
      // The FIN resent at frame 8 contradicts the server's CLOSE-WAIT of frame 7: crossed band, struck label.
      const struck = await page.locator('#ladder svg text.contradicted').allTextContents();
      expect(struck.map((t) => t.split('ESTABLISHED →')[0])).toEqual(['CLOSE-WAIT ✗']); // the label, then its <title>
      expect(await page.locator('#ladder svg text.contradicted title').textContent()).toContain('contradicted: the server would have been CLOSE-WAIT if the segment of frame 7 had arrived');
      expect(await page.locator('#ladder svg rect.band-evidence.contradicted').count()).toBe(1);
      // Inferred stretches are hatched: the server's CLOSED after the final ACK, the projected end.
      expect(await page.locator('#ladder svg rect.band-evidence.inferred').count()).toBeGreaterThan(0);
      expect(await page.locator('#ladder [data-anomaly="fin-retransmitted"]').count()).toBe(1);
      expect(await page.locator('#ladder [data-anomaly="fin-retransmitted"] title').textContent()).toContain('sent its FIN');
      // Frame 8 resends the FIN 200 ms after frame 7: also a retransmission timeout (RTO floor 200 ms).
      expect(await page.locator('#ladder ul.findings li').allTextContents()).toEqual([expect.stringContaining('retransmission-timeout'), expect.stringContaining('fin-retransmitted')]);
      await page.screenshot({ path: join(ARTIFACTS, 'html-report-fin-retransmitted.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    });

    test('syn-dropped (kernel sample): the ladder says why the server is UNSEEN and the client still SYN-SENT', async () => {
      const { page, errors } = await open(await report(join(SAMPLES, 'kernel', 'syn-dropped.pcap'), 'syn-dropped'));
      const notes = await page.locator('#ladder p.state-note').allTextContents();
      expect(notes).toHaveLength(2);
      expect(notes[0]).toMatch(/^client SYN-SENT: still SYN-SENT at capture end after 6 SYNs/);
      expect(notes[1]).toMatch(/^server UNSEEN: nothing was heard from the server \(6 SYNs over 5\.10\d s, no answer\)/);
      expect(await page.locator('#ladder p.evidence-legend').count()).toBe(1);
      expect(errors).toEqual([]);
    });

    test('syn-flood: 303 connections paged 50 at a time, filtered, flood chart drawn', async () => {
      const { page, errors } = await open(await report(join(SAMPLES, 'syn-flood.pcapng'), 'flood'));
      expect(await page.locator('#conn-body tr').count()).toBe(50);
      expect(await page.locator('#page-info').textContent()).toBe('page 1 of 7 (303 of 303 connections)');
      await page.selectOption('#filter-state', 'ESTABLISHED');
      await page.fill('#filter-text', '192.0.2.');
      expect(await page.locator('#conn-body tr').count()).toBe(3);
      await page.locator('#conn-body tr').nth(1).click();
      expect(await page.locator('#ladder-title').textContent()).toBe('Connection 102 (tcp.stream 101)'); // tshark -Y tcp.stream==101 starts at this connection's first frame
      expect(await page.locator('#chart-flood svg rect').count()).toBeGreaterThan(0);
      expect(await page.locator('#anomalies').textContent()).toContain('syn-flood');
      await page.screenshot({ path: join(ARTIFACTS, 'html-report-syn-flood.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    test('the embedded data is the JSON model of the same capture', async () => {
      const file = join(SAMPLES, 'half-close.pcap');
      const json = JSON.parse((await runCli(['analyze', file, '-f', 'json'])).stdout);
      const { page } = await open(await report(file, 'half-close'));
      const data = JSON.parse((await page.locator('#tcplens-data').textContent()) ?? '{}');
      expect(data.details['1'].connection).toEqual(json.connections[0]);
      expect(data.capture).toEqual({ ...json.capture });
      expect(data.rows[0].slice(0, 3)).toEqual([1, '127.0.0.1:40306', '127.0.0.1:47104']);
    });

    test('100 000 connections: the table pages, filters and sorts; ladders are drawn on demand only', async () => {
      const out = collectChunks();
      const w = new PcapWriter(out.sink, { linkType: 1 });
      let t = 1_700_000_000 * 1e6;
      for (let i = 0; i < 100_000; i++) {
        const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        const sport = 1024 + (i % 50_000);
        w.packet(Math.floor(t / 1e6), (t % 1e6) * 1000, buildTcpFrame({ src, dst: '192.0.2.80', sport, dport: 443, seq: i, flags: TcpFlag.SYN }));
        t += 50;
        w.packet(Math.floor(t / 1e6), (t % 1e6) * 1000, buildTcpFrame({ src: '192.0.2.80', dst: src, sport: 443, dport: sport, seq: 0, ack: i + 1, flags: TcpFlag.RST | TcpFlag.ACK }));
        t += 50;
      }
      const capture = join(tmp, 'big.pcap');
      writeFileSync(capture, out.result());
      const { page, errors } = await open(await report(capture, 'big'));
      expect(await page.locator('#page-info').textContent()).toBe('page 1 of 2000 (100000 of 100000 connections)');
      expect(await page.locator('#conn-body tr').count()).toBe(50);
      expect(await page.locator('svg.ladder').count()).toBe(1);
      await page.fill('#filter-text', '10.1.134.7:');
      await page.waitForFunction(() => !document.getElementById('page-info')?.textContent?.includes('100000 of'));
      expect(await page.locator('#conn-body tr').count()).toBe(1);
      await page.fill('#filter-text', '');
      await page.locator('#conn-table th').nth(0).click();
      expect(await page.locator('#conn-body tr').first().getAttribute('data-conn')).toBe('100000');
      await page.locator('#conn-body tr').first().click();
      expect(await page.locator('#ladder').textContent()).toContain('not embedded in the report');
      expect(errors).toEqual([]);
    }, 120_000);

    test('markup and script from the capture are shown as text, never run', async () => {
      const path = join(tmp, '<script>alert(1)<\\script>.pcapng');
      writeFileSync(path, hostileCapture());
      const { page, errors } = await open(await report(path, 'hostile'));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator('#overview').textContent()).toContain('comment: <img src=x onerror=');
      expect(await page.locator('h1').textContent()).toContain('<script>alert(1)');
      expect(errors).toEqual([]);
    });
  });
}
