/**
 * Command-line habits (issue 14): --time as tshark's -t, service names for --port, clear errors
 * for bad hosts and missing files, `_` or `-` in ids and flag names, the Zeek and Wireshark
 * filters, --help wrapped at word boundaries, plurals. Times are checked against tshark's
 * stored Time column (test/fixtures/time-format/tshark.txt, command and version inside), the
 * flag filter against tshark where it is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listen } from '../../src/web/server.js';
import { pcapFile } from '../support/capture-files.js';
import { ROOT, runCli, SAMPLES } from '../support/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'time-format');
const BACKLOG = join(SAMPLES, 'kernel', 'listen-backlog.pcap');
const HAVE_TSHARK = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-habits-'));
const MODES = { iso: 'ud', epoch: 'e', relative: 'r', delta: 'dd' } as const;

/** tshark's Time column for a fixture in one -t mode. */
function tsharkTimes(file: string, t: string): string[] {
  const text = readFileSync(join(FIXTURES, 'tshark.txt'), 'utf8');
  const start = text.indexOf(`== ${file} ${t}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  return text.slice(start).split('\n').slice(1, 10);
}

/** The ids (csv first column) analyze keeps with these options. */
async function ids(file: string, ...opts: string[]): Promise<number[]> {
  const run = await runCli(['analyze', file, '-f', 'csv', ...opts]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
}

describe('--time, as tshark -t ud|e|r|dd', () => {
  for (const file of ['times-us', 'times-ns'] as const) {
    for (const [mode, t] of Object.entries(MODES)) {
      test(`packets ${file} --time ${mode}: the time of every frame is tshark's`, async () => {
        const run = await runCli(['packets', join(FIXTURES, `${file}.pcap`), '--time', mode]);
        expect(run.code, run.stderr).toBe(0);
        const lines = run.stdout.trim().split('\n');
        const times = lines.map((l) => (mode === 'iso' ? l.split(' ').slice(1, 3).join(' ') : l.split(' ')[1]));
        expect(times).toEqual(tsharkTimes(file, t));
      });
    }
  }

  test('the default is ISO in UTC with microseconds (packets, timeline, analyze)', async () => {
    const want = tsharkTimes('times-us', 'ud');
    const packets = await runCli(['packets', join(FIXTURES, 'times-us.pcap')]);
    expect(packets.stdout.split('\n')[0]).toMatch(new RegExp(`^1 ${want[0]} IP `));
    const text = await runCli(['analyze', join(FIXTURES, 'times-us.pcap')]);
    expect(text.stdout).toContain(`${want[0]} → ${want[8]} UTC`);
    expect(text.stdout).toMatch(new RegExp(`start \\(UTC\\)[\\s\\S]*\\n  1 +0 +192\\.0\\.2\\.1:1000 → 192\\.0\\.2\\.2:80 +${want[0]} `));
    const timeline = await runCli(['timeline', join(FIXTURES, 'times-ns.pcap'), '--conn', '1']);
    const wantNs = tsharkTimes('times-ns', 'ud');
    const rows = timeline.stdout.split('\n').filter((l) => /^\s+\d+\s+\d{4}-/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(1, 3).join(' '))).toEqual(wantNs);
  });

  test.each(Object.entries(MODES))('timeline --time %s: one column per segment, as tshark shows it', async (mode, t) => {
    const run = await runCli(['timeline', join(FIXTURES, 'times-ns.pcap'), '--conn', '1', '--time', mode]);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => /^\s+\d+\s+-?\d/.test(l) && /──/.test(l));
    expect(rows.map((l) => {
      const f = l.trim().split(/\s+/);
      return mode === 'iso' ? `${f[1]} ${f[2]}` : f[1];
    })).toEqual(tsharkTimes('times-ns', t));
  });

  test('JSON keeps the epoch strings and adds ISO 8601 (startIso, endIso, firstIso, lastIso) at the capture precision', async () => {
    for (const [file, digits] of [['times-us', 6], ['times-ns', 9]] as const) {
      const doc = JSON.parse((await runCli(['analyze', join(FIXTURES, `${file}.pcap`), '-f', 'json'])).stdout) as {
        capture: { first: string; firstIso: string; last: string; lastIso: string };
        connections: { start: string; startIso: string; end: string; endIso: string }[];
      };
      const iso = tsharkTimes(file, 'ud').map((s) => `${s.replace(' ', 'T')}Z`);
      // Epoch strings keep nine digits whatever the capture's precision.
      const epoch = tsharkTimes(file, 'e').map((e) => (digits === 6 ? `${e}000` : e));
      expect(doc.capture.first).toBe(epoch[0]);
      expect(doc.capture.last).toBe(epoch[8]);
      expect(doc.capture.firstIso).toBe(iso[0]);
      expect(doc.capture.lastIso).toBe(iso[8]);
      expect(doc.connections[0]?.start).toBe(epoch[0]);
      expect(doc.connections[0]?.startIso).toBe(iso[0]);
      expect(doc.connections[0]?.endIso).toBe(iso[epoch.indexOf(doc.connections[0]?.end ?? '')]);
      expect(doc.connections[0]?.startIso).toMatch(new RegExp(`\\.\\d{${digits}}Z$`));
    }
  });

  /** tshark's Time column (-t MODE) at each tcp.stream's first frame of listen-backlog.pcap, in stream order. */
  function streamStarts(t: string): string[] {
    const r = spawnSync('tshark', ['-n', '-r', BACKLOG, '-t', t, '-T', 'fields', '-e', 'tcp.stream', '-e', '_ws.col.Time'], { encoding: 'utf8', env: { ...process.env, TZ: 'Asia/Tokyo' } });
    const first = new Map<string, string>();
    for (const line of r.stdout.trim().split('\n')) {
      const [stream, time] = line.split('\t');
      if (stream !== undefined && time !== undefined && !first.has(stream)) first.set(stream, time);
    }
    return [...first.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map((e) => e[1]);
  }

  test.skipIf(!HAVE_TSHARK)('HTML --time: the table shows each start as tshark shows its stream\'s first frame; ladders get time labels', async () => {
    for (const [mode, t] of [['iso', 'ud'], ['relative', 'r'], ['epoch', 'e']] as const) {
      const out = join(tmp, `backlog-${mode}.html`);
      expect((await runCli(['analyze', BACKLOG, '-f', 'html', '--time', mode, '-o', out])).code).toBe(0);
      const html = readFileSync(out, 'utf8');
      const json = /<script type="application\/json" id="tcplens-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}';
      const data = JSON.parse(json) as { rows: unknown[][]; details: Record<string, { segments: unknown[][]; labels: string[] }> };
      expect(data.rows.map((r) => r[16])).toEqual(streamStarts(t));
      const detail = data.details['4'];
      expect(detail?.labels.length).toBeGreaterThan(1);
      expect(detail?.labels).toHaveLength(detail?.segments.length ?? -1);
      // Segments are packed (report/packed-segments.ts: frame, ts, …); iso labels are the time of day of ts.
      const iso = (ts: string): string => new Date(Number(ts.split('.')[0]) * 1000).toISOString().slice(11, 19) + '.' + (ts.split('.')[1] ?? '').slice(0, 6);
      if (mode === 'iso') expect(detail?.labels).toEqual(detail?.segments.map((sg) => iso(String(sg[1]))));
    }
  });
  if (!HAVE_TSHARK) test.skip('tshark not found: the HTML --time check is skipped (apt-get install tshark)', () => {});

  test.skipIf(!HAVE_TSHARK)('the viewer: time= on the connection list and page, as the command line; a bad one is 400', async () => {
    const viewer = await listen({ root: join(SAMPLES, 'kernel'), maxUploadBytes: 1024, host: '127.0.0.1', port: 0 });
    try {
      const page = async (q: string): Promise<Response> => {
        for (;;) {
          const r = await fetch(new URL(`/c/listen-backlog.pcap?${q}`, viewer.url));
          if (r.status !== 202) return r;
          await r.body?.cancel();
          await new Promise((res) => setTimeout(res, 50));
        }
      };
      for (const [mode, t] of [['iso', 'ud'], ['relative', 'r'], ['delta', 'dd']] as const) {
        const html = await (await page(`view=connections&time=${mode}`)).text();
        const cells = [...html.matchAll(/<tr><td><a [^>]*>\d+<\/a><\/td><td>\d+<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => m[1]);
        // Delta in the list: from the row above (tshark's dd counts from the frame above instead), so only iso and relative compare.
        if (mode !== 'delta') expect(cells).toEqual(streamStarts(t));
        else expect(cells[0]).toBe('0.000000');
      }
      const conn = await (await page('view=conn&id=4&time=epoch')).text();
      expect(conn).toMatch(/\d{10}\.\d{6} → \d{10}\.\d{6}, /);
      expect(conn).toContain('<b>epoch</b>');
      const api = await fetch(new URL('/api/c/listen-backlog.pcap?view=conn&id=4', viewer.url));
      const segs = ((await api.json()) as { segments: { ts: string; tsIso: string }[] }).segments;
      expect(segs.length).toBeGreaterThan(1);
      const starts = streamStarts('ud');
      expect(segs[0]?.tsIso).toBe(`${starts[3]?.replace(' ', 'T')}Z`);
      expect(segs.every((sg) => sg.tsIso.endsWith('Z') && sg.ts.length > 0)).toBe(true);
      // The new filters reach the store the analysis thread built and handed over.
      const ids = async (q: string): Promise<number[]> => ((await (await fetch(new URL(`/api/c/listen-backlog.pcap?view=connections&${q}`, viewer.url))).json()) as { connections: { id: number }[] }).connections.map((c) => c.id);
      expect(await ids('conn_state=S0,REJ')).toEqual([3, 4]);
      expect(await ids('history_has=Cc')).toEqual([1, 2]);
      expect(await ids('flag=tcp.analysis.retransmission')).toEqual(await ids('flag=retransmission'));
      expect((await ids('flag=retransmission')).length).toBeGreaterThan(0);
      expect(await ids('stream=4')).toEqual([5]);
      expect(await ids('port=http')).toEqual([]);
      const bad = await page('view=connections&time=local');
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('time must be one of iso, epoch, relative, delta');
    } finally {
      await viewer.close();
    }
  });

  test('a mode tshark does not have is a usage error naming the ones there are', async () => {
    const run = await runCli(['packets', join(FIXTURES, 'times-us.pcap'), '--time', 'local']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"iso", "epoch", "relative", "delta"/);
  });
});

describe('filters as people type them', () => {
  const web = join(tmp, 'port80.pcap');
  writeFileSync(web, pcapFile(3)); // three connections to port 80

  test('--port http is port 80; a name not in the table is an error that lists the names', async () => {
    expect(await ids(web, '--port', 'http')).toEqual(await ids(web, '--port', '80'));
    expect(await ids(web, '--port', 'http')).toHaveLength(3);
    expect(await ids(web, '--port', 'https')).toEqual([]);
    const bad = await runCli(['analyze', web, '--port', 'htp']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/--port must be a port number from 0 to 65535 or a service name \(.*\bhttp\b.*\bhttps\b.*\), not htp/);
    expect((await runCli(['analyze', web, '--port', '70000'])).code).toBe(2);
  });

  test('--host must be an IP address: 1.2.3 is an error saying what is accepted', async () => {
    const run = await runCli(['analyze', web, '--host', '1.2.3']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--host must be an IPv4 address \(192\.0\.2\.1\) or an IPv6 address \(2001:db8::1\), not 1\.2\.3/);
    expect(await ids(web, '--host', '192.0.2.2')).toHaveLength(3);
  });

  test('--anomaly takes _ for - (and any case), like --state', async () => {
    const file = join(SAMPLES, 'missing-final-ack.pcap');
    const want = await ids(file, '--anomaly', 'missing-final-ack');
    expect(want).toEqual([1]);
    expect(await ids(file, '--anomaly', 'missing_final_ack')).toEqual(want);
    expect(await ids(file, '--anomaly', 'Missing_Final_Ack')).toEqual(want);
    expect(await ids(file, '--anomaly', 'rst_abort')).toEqual([]);
  });

  test('--conn-state S0,REJ (Zeek conn_state, comma-separated or repeated), and an unknown one', async () => {
    const csv = (await runCli(['analyze', BACKLOG, '-f', 'csv'])).stdout.trim().split('\n').slice(1).map((l) => l.split(','));
    const s0 = csv.filter((r) => r[22] === 'S0').map((r) => Number(r[0]));
    expect(s0).toEqual([3, 4]);
    expect(await ids(BACKLOG, '--conn-state', 'S0,REJ')).toEqual(s0);
    expect(await ids(BACKLOG, '--conn-state', 'REJ', '--conn-state', 's0')).toEqual(s0);
    expect(await ids(BACKLOG, '--conn-state', 'OTH')).toEqual([1, 2, 5]);
    const bad = await runCli(['analyze', BACKLOG, '--conn-state', 'S9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--conn-state must be a Zeek conn_state \(S0, S1, SF, REJ.*\), not S9/);
  });

  test('--history-has: every letter of a value in the Zeek history, case meaning the side', async () => {
    // listen-backlog's Zeek rows: 1 and 2 C then Cc, 3 and 4 ScA, 5 C three times (every row counts).
    expect(await ids(BACKLOG, '--history-has', 'SA')).toEqual([3, 4]);
    expect(await ids(BACKLOG, '--history-has', 'Sa')).toEqual([]);
    expect(await ids(BACKLOG, '--history-has', 'C')).toEqual([1, 2, 5]);
    expect(await ids(BACKLOG, '--history-has', 'c')).toEqual([1, 2, 3, 4]);
    expect(await ids(BACKLOG, '--history-has', 'Cc')).toEqual([1, 2]);
    expect(await ids(BACKLOG, '--history-has', 'Sc', '--history-has', 'C')).toEqual([1, 2, 3, 4, 5]);
    const bad = await runCli(['analyze', BACKLOG, '--history-has', 'X']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--history-has must be Zeek history letters/);
  });

  test('--flag: Wireshark names with - or _ or the tcp.analysis. prefix select the connections with such frames (tshark agrees)', async () => {
    const want = await ids(BACKLOG, '--flag', 'retransmission');
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(5);
    expect(await ids(BACKLOG, '--flag', 'tcp.analysis.retransmission')).toEqual(want);
    const synAckLost = join(SAMPLES, 'kernel', 'syn-ack-lost.pcap');
    expect(await ids(synAckLost, '--flag', 'duplicate-ack')).toEqual([1]);
    expect(await ids(synAckLost, '--flag', 'Duplicate_ACK')).toEqual([1]);
    expect(await ids(synAckLost, '--flag', 'zero-window')).toEqual([]);
    const bad = await runCli(['analyze', BACKLOG, '--flag', 'retransmit']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--flag must be a Wireshark tcp.analysis flag \(retransmission, fast_retransmission/);
    if (HAVE_TSHARK) {
      const r = spawnSync('tshark', ['-n', '-r', BACKLOG, '-Y', 'tcp.analysis.retransmission', '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8' });
      const streams = [...new Set(r.stdout.trim().split('\n').map(Number))].sort((a, b) => a - b);
      const csv = (await runCli(['analyze', BACKLOG, '-f', 'csv', '--flag', 'retransmission'])).stdout.trim().split('\n').slice(1);
      expect(csv.map((l) => Number(l.split(',')[1]))).toEqual(streams);
    }
  });
});

describe('errors, help and plurals', () => {
  test('a missing file prints only its error: no empty report, no header, nothing on stdout', async () => {
    for (const args of [['analyze'], ['analyze', '-f', 'zeek'], ['analyze', '-f', 'json'], ['packets'], ['timeline', '--conn', '1']]) {
      const run = await runCli([args[0] as string, join(tmp, 'nope.pcap'), ...args.slice(1)]);
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`tcplens: error: ${join(tmp, 'nope.pcap')}: no such file\n`);
    }
    const out = join(tmp, 'never.json');
    const run = await runCli(['analyze', join(tmp, 'nope.pcap'), '-f', 'json', '-o', out]);
    expect(run.code).toBe(3);
    expect(() => readFileSync(out)).toThrow();
  });

  test('a mistyped option names the likely one (as a mistyped command does)', async () => {
    const run = await runCli(['analyze', BACKLOG, '--prot', '80']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown option --prot (did you mean --port?)');
    const two = await runCli(['slice', BACKLOG, '--conn-stat', 'S0', '--zzzzzz', '-o', join(tmp, 'x.pcap')]);
    expect(two.stderr).toContain('unknown options --conn-stat (did you mean --conn-state?), --zzzzzz\n');
    expect((await runCli(['analyse', BACKLOG])).stderr).toContain('Did you mean analyze?');
  });

  test('--help wraps at word boundaries: every description reads whole once the lines are joined', async () => {
    const run = await runCli(['analyze', '--help']);
    expect(run.code).toBe(0);
    const joined = run.stdout.replace(/\s+/g, ' ');
    expect(joined).toContain("tell the story of every TCP connection: both endpoints' RFC 9293 states, Zeek and Wireshark verdicts, anomalies");
    expect(joined).toContain('connections held at once; past it, finished and never-synchronized ones are handed on early, oldest first (bounds memory in floods and scans)');
    expect(run.stdout.split('\n').every((l) => l.length <= 110)).toBe(true);
  });

  test('plurals: 1 packet, 1 TCP connection, 1 byte where there is one', async () => {
    const one = join(tmp, 'one.pcap');
    writeFileSync(one, pcapFile(1));
    const run = await runCli(['analyze', one]);
    expect(run.stdout).toMatch(/, 1 packet \(1 TCP\), \d+ bytes/);
    expect(run.stdout).toContain('\n1 TCP connection\n');
    const two = join(tmp, 'two.pcap');
    writeFileSync(two, pcapFile(2));
    expect((await runCli(['analyze', two])).stdout).toContain('\n2 TCP connections\n');
  });
});
