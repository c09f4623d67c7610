/**
 * Issue 14's graphs, ladder and keys in headless Chromium, in the static report and the
 * viewer. The time-sequence graph's marks are read back (their data attributes and, through the
 * axes' domains, their coordinates) and compared with tshark's tcp.seq and tcp.nxtseq for the
 * same frames (the corpus' .tshark-tcp.tsv, TShark 4.0.17), and with a crafted bulk transfer
 * whose numbers are known by construction. Screenshots go to test-artifacts/screenshots/: look
 * at them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { analyzeCapture, type SegmentRecord } from '../../src/pipeline.js';
import { listen, type Viewer } from '../../src/web/server.js';
import { ARTIFACTS, HAVE_CHROMIUM, NO_CHROMIUM_MESSAGE, launch, openPage, type OpenedPage } from '../support/browser.js';
import { bulkTransfer, type Bulk } from '../support/bulk-capture.js';
import { SAMPLES, runCli } from '../support/cli.js';
import { corpusPath, HAVE_CORPUS, readTsv, SKIP_MESSAGE } from '../support/corpus.js';

const SHOTS = join(ARTIFACTS, 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-graphs-'));

async function report(capture: string, name: string): Promise<string> {
  const out = join(tmp, `${name}.html`);
  const run = await runCli(['analyze', capture, '-f', 'html', '-o', out]);
  expect(run.code, run.stderr).toBe(0);
  return out;
}

interface Mark { frame: number | null; frames: number | null; seq: number; end: number; cls: string; x: number; y1: number; y2: number }
interface GraphRead { x0: number; x1: number; y0: number; y1: number; left: number; top: number; pw: number; ph: number; direction: string | null; marks: Mark[]; sack: Mark[]; elements: number }

/** The time-sequence graph on the page: its axes and every segment and SACK mark. */
function readTimeSequence(page: Page): Promise<GraphRead> {
  return page.evaluate(() => {
    const svg = document.querySelector('svg[data-graph="time-sequence"]') as SVGSVGElement;
    const n = (e: Element, a: string) => Number(e.getAttribute(a));
    const mark = (l: Element) => ({
      frame: l.hasAttribute('data-frame') ? n(l, 'data-frame') : null,
      frames: l.hasAttribute('data-frames') ? n(l, 'data-frames') : null,
      seq: n(l, 'data-seq'),
      end: n(l, 'data-end'),
      cls: l.getAttribute('class') ?? '',
      x: n(l, 'x1'),
      y1: n(l, 'y1'),
      y2: n(l, 'y2'),
    });
    return {
      x0: n(svg, 'data-x0'), x1: n(svg, 'data-x1'), y0: n(svg, 'data-y0'), y1: n(svg, 'data-y1'),
      left: n(svg, 'data-left'), top: n(svg, 'data-top'), pw: n(svg, 'data-plot-width'), ph: n(svg, 'data-plot-height'),
      direction: svg.getAttribute('data-direction'),
      marks: [...svg.querySelectorAll('line.ts-seg')].map(mark),
      sack: [...svg.querySelectorAll('line.ts-sack')].map(mark),
      elements: svg.querySelectorAll('*').length,
    };
  });
}

/** A mark's value and time, read back from its pixels through the axes. */
function invert(g: GraphRead, m: Mark): { seq: number; end: number; t: number } {
  const v = (py: number) => g.y0 + ((g.top + g.ph - py) / g.ph) * (g.y1 - g.y0);
  return { seq: v(m.y1), end: v(m.y2), t: g.x0 + ((m.x - g.left) / g.pw) * (g.x1 - g.x0) };
}

/** Connection 1's segments as the report embeds them (packed: values in data.segmentKeys order, `from` 0 or 1). */
async function embeddedSegments(page: Page): Promise<{ frame: number; t: number; len: number; from: string }[]> {
  const data = JSON.parse((await page.locator('#tcplens-data').textContent()) ?? '{}') as { segmentKeys: string[]; details: Record<string, { segments: unknown[][] }> };
  const at = (k: string) => data.segmentKeys.indexOf(k);
  return (data.details['1']?.segments ?? []).map((r) => ({ frame: r[at('frame')] as number, t: r[at('t')] as number, len: r[at('len')] as number, from: r[at('from')] === 0 ? 'client' : 'server' }));
}

if (!HAVE_CHROMIUM) {
  describe.skip(NO_CHROMIUM_MESSAGE, () => test('graphs', () => {}));
} else {
  describe('graphs, ladder and keys in Chromium', () => {
    let browser: Browser;
    let bulk: Bulk;
    let bulkReport: string;
    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      browser = await launch();
      // 26,000 data segments and their ACKs: about 39,000 segments in one connection.
      bulk = bulkTransfer(26_000);
      const capture = join(tmp, 'bulk.pcap');
      writeFileSync(capture, bulk.pcap);
      bulkReport = await report(capture, 'bulk');
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
    });

    const open = (url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<OpenedPage> => openPage(browser, url, { colorScheme });

    test.skipIf(!HAVE_CORPUS)(HAVE_CORPUS ? 'one_tcp_stream.pcap: every graph, and the time-sequence marks are tshark\'s tcp.seq and tcp.nxtseq' : SKIP_MESSAGE, async () => {
      const file = 'pcapplusplus/one_tcp_stream.pcap';
      const { page, errors, requests } = await open(pathToFileURL(await report(corpusPath(file), 'one-stream')).href);
      for (const kind of ['time-sequence', 'rtt', 'throughput', 'starts', 'handshake-rtt', 'durations']) {
        expect(await page.locator(`svg[data-graph="${kind}"]`).count(), kind).toBe(1);
        const labels = await page.locator(`svg[data-graph="${kind}"] .axis-label`).allTextContents();
        expect(labels.join(' | '), kind).toMatch(/\((s|ms|µs|bytes|kbit\/s|Mbit\/s|bit\/s|seconds, logarithmic bins)\)/);
      }
      const rows = readTsv(file, 'tshark-tcp.tsv');
      const t0 = Number(rows[0]?.['frame.time_epoch']);
      for (const dir of ['client', 'server'] as const) {
        await page.click(`#graphs button[data-direction="${dir}"]`);
        const g = await readTimeSequence(page);
        expect(g.direction).toBe(dir);
        // tshark: the frames this side sent that occupy sequence space (nxtseq > seq), with their numbers.
        const srcIp = dir === 'client' ? '10.0.0.1' : '81.218.72.15';
        const want = rows.filter((r) => r['ip.src'] === srcIp && Number(r['tcp.nxtseq']) > Number(r['tcp.seq']));
        expect(want.length).toBeGreaterThan(5);
        expect(g.marks.map((m) => [m.frame, m.seq, m.end]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(want.map((r) => [Number(r['frame.number']), Number(r['tcp.seq']), Number(r['tcp.nxtseq'])]));
        for (const m of g.marks) {
          const row = want.find((r) => Number(r['frame.number']) === m.frame) as Record<string, string>;
          const back = invert(g, m);
          const perPixelSeq = (g.y1 - g.y0) / g.ph;
          expect(Math.abs(back.seq - Number(row['tcp.seq'])), `frame ${m.frame} start`).toBeLessThan(perPixelSeq);
          expect(Math.abs(back.end - Number(row['tcp.nxtseq'])), `frame ${m.frame} end`).toBeLessThan(perPixelSeq);
          expect(Math.abs(back.t - (Number(row['frame.time_epoch']) - t0)), `frame ${m.frame} time`).toBeLessThan((g.x1 - g.x0) / g.pw);
          // Retransmissions are marked as tshark flags them.
          expect(m.cls.includes('resent'), `frame ${m.frame} retransmission`).toBe(row['tcp.analysis.retransmission'] !== '' || row['tcp.analysis.fast_retransmission'] !== '');
        }
        // The SACK blocks the peer sent (tshark -e tcp.options.sack_le -e tcp.options.sack_re: frames 9, 18 and 27, all from the server, of the client's data).
        expect(g.sack.map((m) => [m.frame, m.seq, m.end])).toEqual(dir === 'client' ? [[9, 1452, 2872], [18, 2871, 2872], [27, 8529, 9949]] : []);
        // RTT points: the ACK frames and the frames they acknowledge are tshark's acks_frame.
        const rtt = await page.locator('svg[data-graph="rtt"] circle.rtt-pt').evaluateAll((cs) => cs.map((c) => [Number(c.getAttribute('data-frame')), Number(c.getAttribute('data-acks'))]));
        const wantRtt = rows.filter((r) => r['tcp.analysis.acks_frame'] !== '' && r['ip.src'] !== srcIp).map((r) => [Number(r['frame.number']), Number(r['tcp.analysis.acks_frame'])]);
        expect(rtt).toEqual(wantRtt);
        await page.locator('#graphs').screenshot({ path: join(SHOTS, `graphs-one-stream-${dir}.png`) });
      }
      await page.locator('#capture-charts').screenshot({ path: join(SHOTS, 'capture-charts-one-stream.png') });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    });

    test('a 39,000-segment bulk transfer: decimated per pixel, its marks where the construction put them, zoomable', async () => {
      const { page, errors } = await open(pathToFileURL(bulkReport).href);
      const g = await readTimeSequence(page);
      expect(g.direction).toBe('server'); // the side that sent more bytes comes first
      // Per pixel column at most one plain bar, one per kind of marked segment, and their ticks.
      expect(g.elements).toBeLessThan(8 * g.pw);
      expect(g.marks.some((m) => m.frames !== null && m.frames > 1)).toBe(true);
      const total = g.marks.reduce((n, m) => n + (m.frames ?? 1), 0);
      expect(total).toBe(bulk.segments - 1 + 1 + 5 + 2); // data less the lost one, its retransmission, 5 probes, SYN and FIN
      expect(Math.min(...g.marks.map((m) => m.seq))).toBe(0); // the SYN
      expect(Math.max(...g.marks.map((m) => m.end))).toBe(bulk.end + 1); // the FIN
      // The lost segment's retransmission and the five zero-window probes, each its own mark.
      const lostAt = 1 + 1000 * bulk.lost;
      const probeAt = 1 + 1000 * (bulk.stallAt + 1);
      expect(g.marks.filter((m) => m.cls.includes('resent')).map((m) => [m.seq, m.end])).toEqual([[lostAt, lostAt + 1000]]);
      expect(g.marks.filter((m) => m.cls.includes('zwp')).map((m) => [m.seq, m.end])).toEqual(Array(5).fill([probeAt, probeAt + 1]));
      for (const m of g.marks.filter((x) => x.frame !== null)) expect(Math.abs(invert(g, m).seq - m.seq)).toBeLessThan((g.y1 - g.y0) / g.ph);
      // Three duplicate ACKs carry the SACK block of what arrived past the hole.
      expect(g.sack.map((m) => [m.seq, m.end])).toEqual([1, 2, 3].map((k) => [lostAt + 1000, lostAt + 1000 * (k + 1)]));
      // Every bucket lies inside the data sent, and together they reach from the SYN to the FIN.
      for (const m of g.marks) expect(m.seq >= 0 && m.end <= bulk.end + 1 && m.seq < m.end).toBe(true);
      await page.locator('#graphs').screenshot({ path: join(SHOTS, 'graphs-bulk.png') });
      // Drag across the zero-window stall: the graphs show only that time range.
      const box = (await page.locator('svg[data-graph="time-sequence"]').boundingBox()) as { x: number; y: number; width: number; height: number };
      const tOf = (t: number) => box.x + ((g.left + ((t - g.x0) / (g.x1 - g.x0)) * g.pw) * box.width) / 900;
      const rows = await embeddedSegments(page);
      const probes = rows.filter((s) => s.from === 'server' && s.len === 1);
      await page.mouse.move(tOf((probes[0] as { t: number }).t - 1), box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(tOf((probes[4] as { t: number }).t + 0.3), box.y + box.height / 2, { steps: 4 }); // the window opens 0.5 s after the last probe
      await page.mouse.up();
      const zoomed = await readTimeSequence(page);
      expect(zoomed.x0).toBeCloseTo((probes[0] as { t: number }).t - 1, 1);
      expect(zoomed.marks.map((m) => m.cls.includes('zwp'))).toEqual(Array(5).fill(true));
      expect(await page.locator('svg[data-graph="rtt"]').getAttribute('data-x0')).toBe(String(zoomed.x0));
      await page.locator('#graphs').screenshot({ path: join(SHOTS, 'graphs-bulk-zoomed.png') });
      await page.click('#graphs button[data-zoom="reset"]');
      expect((await readTimeSequence(page)).x0).toBe(0);
      expect(errors).toEqual([]);
    }, 60_000);

    test('the ladder: flags and options by name, Wireshark flags as words, details on click, idle gaps marked, time to scale', async () => {
      const { page, errors } = await open(pathToFileURL(bulkReport).href);
      const ladder = page.locator('#ladder svg');
      expect(await ladder.locator('.seg-label').first().textContent()).toBe('SYN seq=0 len=0 win=64240');
      expect(await ladder.locator('.seg-options').allTextContents()).toEqual(['MSS=1460 WS=128 (shift 7) SACK_PERM', 'MSS=1460 WS=128 (shift 7) SACK_PERM']);
      // A label's own text (its <title> tooltip is a child).
      const flags = await ladder.locator('.ws-flag').evaluateAll((ts) => ts.map((t) => t.firstChild?.nodeValue ?? ''));
      for (const f of ['lost_segment', 'duplicate_ack #1', 'duplicate_ack #3', 'fast_retransmission', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_update']) expect(flags, f).toContain(f);
      expect(await ladder.locator('[data-anomaly="zero-window-stall"]').textContent()).toContain('zero-window-stall');
      expect(await ladder.locator('.seg-label').allTextContents()).toContain(`ACK seq=101 ack=${1 + 1000 * bulk.lost} len=0 win=65536 SACK=${1 + 1000 * (bulk.lost + 1)}-${1 + 1000 * (bulk.lost + 2)}`);
      // The 20 s stall: five pauses of 4 s and one of 500 ms, marked; the 50-100 µs between segments are not.
      expect(await ladder.locator('.idle-gap text').allTextContents()).toEqual([...Array(5).fill('⋯ idle 4 s ⋯'), '⋯ idle 500 ms ⋯']);
      // Big runs of plain segments fold: the page keeps a few hundred elements.
      expect(await page.locator('#ladder svg *').count()).toBeLessThan(3000);
      // A click shows the segment's details.
      await ladder.locator('g.seg-row[data-frame="2"] line').click({ force: true });
      expect(await page.locator('.seg-details h3').textContent()).toBe('Frame 2: server → client, SYN,ACK');
      const details = await page.locator('.seg-details dl').textContent();
      expect(details).toContain('MSS=1460 WS=128 (shift 7) SACK_PERM');
      expect(details).toContain('SYN-RECEIVED');
      await page.locator('#ladder').screenshot({ path: join(SHOTS, 'ladder-bulk-compressed.png') });
      // Compressed: even rows; to scale: a row's place follows its time.
      const rowsY = (): Promise<[number, number][]> => page.locator('#ladder svg g.seg-row').evaluateAll((gs) => gs.map((g) => [Number(g.getAttribute('data-frame')), Number((g.querySelector('line') as Element).getAttribute('y1'))] as [number, number]));
      const times = new Map((await embeddedSegments(page)).map((s) => [s.frame, s.t]));
      const compressed = await rowsY();
      for (let i = 1; i < compressed.length; i++) expect((compressed[i] as [number, number])[1] - (compressed[i - 1] as [number, number])[1]).toBeLessThanOrEqual(30 + 34 + 30 + 12);
      await page.click('#ladder button[data-mode="scale"]');
      expect(await page.locator('#ladder svg').getAttribute('data-mode')).toBe('scale');
      const scaled = await rowsY();
      const [f0, y0] = scaled[0] as [number, number];
      const [fn, yn] = scaled.at(-1) as [number, number];
      const perSecond = (yn - y0) / ((times.get(fn) as number) - (times.get(f0) as number));
      for (const [f, y] of scaled) expect(Math.abs(y - y0 - ((times.get(f) as number) - (times.get(f0) as number)) * perSecond), `frame ${f}`).toBeLessThan(1);
      await page.locator('#ladder').screenshot({ path: join(SHOTS, 'ladder-bulk-scale.png') });
      await page.click('#ladder button[data-mode="compressed"]');
      // A fold opens 200 segments at a time.
      const foldsBefore = await page.locator('#ladder svg rect.fold').count();
      await page.locator('#ladder svg rect.fold').first().click();
      expect(await page.locator('#ladder svg g.seg-row').count()).toBeGreaterThanOrEqual(200);
      expect(await page.locator('#ladder svg rect.fold').count()).toBe(foldsBefore);
      expect(errors).toEqual([]);
    }, 60_000);

    test('the report packs segments (a third of their size) and the page unpacks them into the engine\'s segment records', async () => {
      const capture = join(tmp, 'bulk400.pcap');
      writeFileSync(capture, bulkTransfer(400).pcap);
      const engine: SegmentRecord[][] = [];
      await analyzeCapture(capture, capture, {}, { collect: false, keepSegmentsOf: { has: () => true } as unknown as ReadonlySet<number>, onConnection: (_r, segments) => engine.push(segments ?? []) });
      for (const file of [capture, join(SAMPLES, 'kernel', 'tfo.pcap')]) {
        const { page } = await open(pathToFileURL(await report(file, 'packed')).href);
        const unpacked = await page.evaluate(() => {
          const data = JSON.parse(document.getElementById('tcplens-data')?.textContent ?? '{}') as { details: Record<string, { segments: unknown[] }> };
          const w = window as unknown as { tcplensLadder: { unpackSegment(keys: unknown, row: unknown): unknown } };
          return (data.details['1']?.segments ?? []).map((r) => w.tcplensLadder.unpackSegment((data as unknown as { segmentKeys: unknown }).segmentKeys, r));
        });
        if (file === capture) {
          const want = (engine[0] ?? []).map((s) => ({ ...s, t: Math.round(s.t * 1e9) / 1e9 }));
          expect(unpacked).toEqual(want);
          expect(want.some((s) => s.sack !== undefined && s.mss === undefined)).toBe(true); // an option after absent ones
        } else expect((unpacked[0] as SegmentRecord).tfo).toBe(0);
      }
    });

    test('SYN options by name, TCP Fast Open included (samples/kernel/tfo.pcap; tshark: frame 1 tcp.options.tfo.request, frame 2 an 8-byte tcp.options.tfo.cookie)', async () => {
      const { page, errors } = await open(pathToFileURL(await report(join(SAMPLES, 'kernel', 'tfo.pcap'), 'tfo')).href);
      const opts = await page.locator('#ladder svg .seg-options').allTextContents();
      expect(opts.slice(0, 4)).toEqual(['MSS=65495 WS=1024 (shift 10) SACK_PERM TFO=request', 'TSval=3760651115 TSecr=0', 'MSS=65495 WS=1024 (shift 10) SACK_PERM TFO=cookie(8 bytes)', 'TSval=3782031977 TSecr=3760651115']);
      await page.locator('#ladder').screenshot({ path: join(SHOTS, 'ladder-tfo.png') });
      expect(errors).toEqual([]);
    });

    test('keys: j/k move through the segments, n/p through connections, Enter opens, ? shows the keys', async () => {
      const { page, errors } = await open(pathToFileURL(await report(join(SAMPLES, 'syn-flood.pcapng'), 'flood')).href);
      expect(await page.locator('#ladder-title').textContent()).toBe('Connection 1 (tcp.stream 0)');
      await page.keyboard.press('j');
      expect(await page.locator('.seg-details h3').textContent()).toMatch(/^Frame 1: client → server, SYN$/);
      await page.keyboard.press('ArrowDown');
      expect(await page.locator('.seg-details h3').textContent()).toMatch(/^Frame 2: server → client, SYN,ACK$/);
      await page.keyboard.press('k');
      expect(await page.locator('.seg-details h3').textContent()).toMatch(/^Frame 1: /);
      await page.keyboard.press('n');
      await page.keyboard.press('n');
      expect(await page.locator('#conn-body tr.cursor').getAttribute('data-conn')).toBe('3');
      await page.keyboard.press('p');
      expect(await page.locator('#conn-body tr.cursor').getAttribute('data-conn')).toBe('2');
      await page.keyboard.press('Enter');
      expect(await page.locator('#ladder-title').textContent()).toBe('Connection 2 (tcp.stream 1)');
      expect(await page.locator('svg[data-graph="time-sequence"]').count()).toBe(1);
      await page.keyboard.press('?');
      expect(await page.locator('#keys-help').isVisible()).toBe(true);
      expect(await page.locator('#keys-help').textContent()).toContain('next segment of the open ladder');
      await page.screenshot({ path: join(SHOTS, 'keys-help.png') });
      await page.keyboard.press('Escape');
      expect(await page.locator('#keys-help').isVisible()).toBe(false);
      // Typing into the filter is not a key command.
      await page.fill('#filter-text', 'np');
      expect(await page.locator('#ladder-title').textContent()).toBe('Connection 2 (tcp.stream 1)');
      // An anomaly links to its connection.
      await page.fill('#filter-text', '');
      expect(errors).toEqual([]);
    });

    test('an anomaly in the report links to its connection; dark mode follows the system', async () => {
      const { page, errors } = await open(pathToFileURL(await report(join(SAMPLES, 'fin-retransmitted.pcap'), 'fin-dark')).href, 'dark');
      await page.locator('#anomalies a.conn-link').first().click();
      await page.waitForFunction(() => location.hash === '#conn-1');
      expect(await page.locator('#ladder-title').textContent()).toBe('Connection 1 (tcp.stream 0)');
      // The connection's anomaly list links each finding to its frame's row in the ladder.
      await page.locator('#ladder ul.findings a.frame-link').first().click();
      expect(await page.locator('.seg-details h3').textContent()).toBe('Frame 8: client → server, FIN,ACK');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(12, 17, 29)');
      await page.screenshot({ path: join(SHOTS, 'report-dark.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    describe('in the viewer', () => {
      let viewer: Viewer;
      beforeAll(async () => {
        const root = mkdtempSync(join(tmpdir(), 'tcplens-graphs-serve-'));
        writeFileSync(join(root, 'bulk.pcap'), bulkTransfer(2000).pcap);
        writeFileSync(join(root, 'flood.pcapng'), await import('node:fs').then((fs) => fs.readFileSync(join(SAMPLES, 'syn-flood.pcapng'))));
        viewer = await listen({ root, maxUploadBytes: 16 << 20, host: '127.0.0.1', port: 0 });
      });
      afterAll(async () => {
        await viewer?.close();
      });

      test('list in human sizes; the overview\'s charts; a connection\'s graphs and ladder, n to the next; dark mode', async () => {
        const { page, errors, requests } = await open(viewer.url, 'dark');
        expect(await page.locator('#captures td:nth-child(2)').allTextContents()).toEqual(['2.1 MB', '55.3 KB']);
        await page.goto(new URL('/c/flood.pcapng', viewer.url).href);
        await page.waitForSelector('body[data-ready="true"]');
        for (const kind of ['starts', 'handshake-rtt', 'durations']) expect(await page.locator(`svg[data-graph="${kind}"]`).count(), kind).toBe(1);
        expect(await page.locator('svg[data-graph="handshake-rtt"]').getAttribute('data-count')).toBe('3');
        expect(await page.locator('svg[data-graph="durations"]').getAttribute('data-count')).toBe('303');
        await page.screenshot({ path: join(SHOTS, 'viewer-overview-dark.png'), fullPage: true });
        await page.goto(new URL('/c/bulk.pcap?view=conn&id=1', viewer.url).href);
        await page.waitForSelector('body[data-ready="true"]');
        for (const kind of ['time-sequence', 'rtt', 'throughput']) expect(await page.locator(`svg[data-graph="${kind}"]`).count(), kind).toBe(1);
        const g = await readTimeSequence(page);
        expect(g.marks.reduce((n, m) => n + (m.frames ?? 1), 0)).toBe(2000 - 1 + 1 + 5 + 2);
        expect(await page.locator('#ladder .idle-gap').count()).toBe(6);
        await page.keyboard.press('j');
        expect(await page.locator('.seg-details h3').textContent()).toBe('Frame 1: client → server, SYN');
        await page.screenshot({ path: join(SHOTS, 'viewer-connection-dark.png'), fullPage: true });
        await page.goto(new URL('/c/flood.pcapng?view=conn&id=1', viewer.url).href);
        await page.waitForSelector('body[data-ready="true"]');
        await Promise.all([page.waitForURL(/id=2$/), page.keyboard.press('n')]);
        await page.waitForSelector('body[data-ready="true"]');
        await Promise.all([page.waitForURL(/id=1$/), page.keyboard.press('p')]);
        // The connection list: n/p move, Enter opens.
        await page.goto(new URL('/c/flood.pcapng?view=connections', viewer.url).href);
        await page.waitForSelector('body[data-ready="true"]');
        await page.keyboard.press('n');
        await page.keyboard.press('n');
        await Promise.all([page.waitForURL(/view=conn&id=2$/), page.keyboard.press('Enter')]);
        // Every anomaly on the anomalies page links to its connection.
        await page.goto(new URL('/c/bulk.pcap?view=anomalies', viewer.url).href);
        expect(await page.locator('ul.findings li a').getAttribute('href')).toBe('/c/bulk.pcap?view=conn&id=1');
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
      }, 60_000);
    });
  });
}
