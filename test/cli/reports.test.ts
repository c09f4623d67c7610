/**
 * The outputs people read (issue: reports): every format is checked against the JSON model of
 * the same capture; filters; -o; the terminal timeline; colour only on a terminal.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CSV_COLUMNS } from '../../src/report/formats/csv.js';
import { COLOUR } from '../../src/report/formats/style.js';
import { textReport } from '../../src/report/formats/text.js';
import type { AnalysisDocument, ConnectionRecord } from '../../src/report/model.js';
import { SAMPLES, runCli } from '../support/cli.js';
import { ORACLE_DIR } from '../support/wireshark-oracle.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcplens-reports-'));
const FLOOD = join(SAMPLES, 'syn-flood.pcapng');

async function json(file: string, ...extra: string[]): Promise<AnalysisDocument> {
  const run = await runCli(['analyze', file, '-f', 'json', ...extra]);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as AnalysisDocument;
}

/** RFC 4180 reader for the test (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

describe('formats agree with the JSON model', () => {
  test('csv: one row per connection, the JSON fields flattened', async () => {
    const doc = await json(FLOOD);
    const run = await runCli(['analyze', FLOOD, '-f', 'csv']);
    const rows = parseCsv(run.stdout);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(doc.connections.length + 1);
    for (const [i, c] of doc.connections.entries()) {
      const r = Object.fromEntries((rows[i + 1] ?? []).map((v, k) => [CSV_COLUMNS[k], v]));
      expect(r).toMatchObject({
        id: String(c.id),
        client_ip: c.client.ip,
        server_port: String(c.server.port),
        state_client: c.states.client,
        state_server: c.states.server,
        zeek_history: c.zeek.history,
        bytes_client: String(c.bytes.client),
        anomalies: c.anomalies.map((a) => `${a.id}@${a.frame}`).join(';'),
        unique_bytes_client: String(c.figures.client.uniqueBytes),
        retransmitted_bytes_server: String(c.figures.server.retransmittedBytes),
        rtt_avg_client: c.figures.client.rtt.avg === null ? '' : String(c.figures.client.rtt.avg),
        window_max_server: String(c.figures.server.windowMax),
        mss_client: c.figures.client.mss === null ? '' : String(c.figures.client.mss),
      });
    }
  });

  test('ndjson and zeek carry the same connections as json', async () => {
    const doc = await json(join(SAMPLES, 'half-close.pcap'));
    const nd = await runCli(['analyze', join(SAMPLES, 'half-close.pcap'), '-f', 'ndjson']);
    const lines = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string } & ConnectionRecord);
    const { type: _t, ...conn } = lines[0] as { type: string } & ConnectionRecord;
    expect(conn).toEqual(doc.connections[0]);
    const zeek = await runCli(['analyze', join(SAMPLES, 'half-close.pcap'), '-f', 'zeek']);
    const row = zeek.stdout.split('\n').find((l) => !l.startsWith('#') && l !== '') ?? '';
    expect(row.split('\t').slice(2, 6)).toEqual([doc.connections[0]?.zeek.orig_h, String(doc.connections[0]?.zeek.orig_p), doc.connections[0]?.zeek.resp_h, String(doc.connections[0]?.zeek.resp_p)]);
  });

  test('text: facts, counts, anomalies with examples, and the connection table', async () => {
    const doc = await json(join(SAMPLES, 'missing-final-ack.pcap'));
    const run = await runCli(['analyze', join(SAMPLES, 'missing-final-ack.pcap')]);
    expect(run.stdout).toContain('9 packets (9 TCP)');
    expect(run.stdout).toMatch(/1 {2}TIME-WAIT \/ LAST-ACK/);
    expect(run.stdout).toMatch(/SF +normal establishment and termination/);
    expect(run.stdout).toContain('missing-final-ack (warning)');
    expect(run.stdout).toContain(`connection 1 (tcp.stream 0), frame 9: ${doc.connections[0]?.anomalies[0]?.detail}`);
    expect(run.stdout).toMatch(/1 +0 +192\.0\.2\.10:50123 → 198\.51\.100\.20:80 +2023-11-14 22:13:20\.001000 +0\.311 s +5\/4 +80\/1200 +TIME-WAIT \/ LAST-ACK +missing-final-ack/);
    expect(run.stdout).not.toContain('\u001b['); // not a terminal: no colour
  });
});

describe('filters, shared by every format', () => {
  test('--conn, --port, --host, --anomaly and --state (RFC or netstat spelling)', async () => {
    const all = await json(FLOOD);
    expect((await json(FLOOD, '--conn', '2', '--conn', '5')).connections.map((c) => c.id)).toEqual([2, 5]);
    const real = all.connections.filter((c) => c.client.ip.startsWith('192.0.2.')).map((c) => c.id);
    expect((await json(FLOOD, '--host', '192.0.2.50')).connections.map((c) => c.id)).toEqual(real.slice(0, 1));
    // The flood's 300 servers are left in SYN-RECEIVED; the 3 real handshakes completed.
    expect((await json(FLOOD, '--state', 'syn_recv')).connections).toHaveLength(300);
    // Every client got its SYN,ACK, so each is ESTABLISHED on its own side.
    expect((await json(FLOOD, '--state', 'ESTABLISHED')).connections).toHaveLength(303);
    expect((await json(FLOOD, '--state', 'established', '--port', '40000')).connections.map((c) => c.id)).toEqual(real.slice(0, 1));
    const mfa = await json(join(SAMPLES, 'missing-final-ack.pcap'), '--anomaly', 'missing-final-ack');
    expect(mfa.connections).toHaveLength(1);
    expect((await json(join(SAMPLES, 'missing-final-ack.pcap'), '--anomaly', 'rst-abort')).connections).toHaveLength(0);
    const csv = await runCli(['analyze', FLOOD, '-f', 'csv', '--conn', '3']);
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);
  });

  test('bad filter values name the option', async () => {
    const state = await runCli(['analyze', FLOOD, '--state', 'sleepy']);
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('--state must be a TCP state');
    const anomaly = await runCli(['analyze', FLOOD, '--anomaly', 'gremlins']);
    expect(anomaly.code).toBe(2);
    expect(anomaly.stderr).toContain('--anomaly must be one of');
    const port = await runCli(['analyze', FLOOD, '--port', '70000']);
    expect(port.stderr).toContain('--port must be a port number');
  });
});

describe('-o FILE for every format', () => {
  test.each(['text', 'json', 'ndjson', 'csv', 'zeek', 'zeek-weird'])('%s', async (format) => {
    const path = join(tmp, `out.${format}`);
    // A loopback capture (checksum offload): Zeek's verdicts as with zeek -C.
    const run = await runCli(['analyze', join(SAMPLES, 'refused.pcap'), '-f', format, '-o', path, '--zeek-ignore-checksums']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(path, 'utf8');
    // The file holds exactly what the same command prints without -o, and it is that format.
    const printed = await runCli(['analyze', join(SAMPLES, 'refused.pcap'), '-f', format, '--zeek-ignore-checksums']);
    // (Zeek's #open and #close lines carry the time of writing.)
    const untimed = (t: string): string => t.replace(/^#(open|close)\t.*$/gm, '#$1');
    expect(untimed(text)).toBe(untimed(printed.stdout));
    const marker: Record<string, RegExp> = {
      text: /^\S+refused\.pcap\n  pcap, \d+ packets/,
      json: /^\{\n "tcplens": 1,\n "capture": \{/,
      ndjson: /^\{"type":"connection",/,
      csv: /^id,stream,client_ip,/,
      zeek: /^#separator \\x09\n/,
      'zeek-weird': /^#separator \\x09\n(.|\n)*#path\tweird\n/,
    };
    expect(text).toMatch(marker[format] as RegExp);
    if (format === 'json') expect(JSON.parse(text).connections[0].zeek.conn_state).toBe('REJ');
  });
});

const LATE = join(ORACLE_DIR, 'crafted', 'late-packets.pcap');

describe('analyze --stream', () => {
  test('selects the connections of one tcp.stream, as tshark -Y "tcp.stream eq N"', async () => {
    const run = await runCli(['analyze', LATE, '-f', 'json', '--stream', '2']);
    const doc = JSON.parse(run.stdout) as { connections: { id: number; stream: number; firstFrame: number }[] };
    // tshark: tcp.stream 2 is frame 20 alone (the SYN with a new ISN, reused_ports)
    expect(doc.connections.map((c) => [c.id, c.stream, c.firstFrame])).toEqual([[4, 2, 20]]);
    expect((await runCli(['analyze', LATE, '--stream', '-1'])).stderr).toContain('--stream must be a Wireshark tcp.stream number');
  });
});

describe('tcplens timeline', () => {
  test('one line per segment with both sides\' states, transitions explained, anomalies inline', async () => {
    // --time relative: seconds since the capture's first frame (the connection's first, here).
    const run = await runCli(['timeline', join(SAMPLES, 'fin-retransmitted.pcap'), '--conn', '1', '--time', 'relative']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const seg = lines.filter((l) => /^\s+\d+\s+\d+\.\d{6}\s/.test(l));
    expect(seg).toHaveLength(11);
    // Nothing is heard from the server until its SYN,ACK: UNSEEN, not SYN-RECEIVED, at frame 1.
    expect(seg[0]).toMatch(/^\s+1\s+0\.000000\s+SYN-SENT\s+──SYN seq=0 len=0 win=64240──▶\s+UNSEEN$/);
    expect(seg[1]).toMatch(/◀──SYN,ACK seq=0 ack=1 len=0 win=\d+──\s+SYN-RECEIVED$/);
    // Frame 8 resends the FIN of frame 7 unchanged: the server is back in ESTABLISHED.
    expect(seg[7]).toMatch(/^\s+8\s+0\.551000\s+FIN-WAIT-1\s+──FIN,ACK seq=121 ack=601 len=0 win=\d+──▶\s+ESTABLISHED$/);
    expect(run.stdout).toContain('client: ESTABLISHED → FIN-WAIT-1: sent FIN (active close) (RFC 9293 §3.10.4) [witnessed]');
    expect(run.stdout).toContain('server: ESTABLISHED → CLOSE-WAIT: received FIN (RFC 9293 §3.10.7.4) [contradicted by frame 8]');
    expect(run.stdout).toContain('client: SYN-SENT → ESTABLISHED: received SYN,ACK acknowledging its SYN (RFC 9293 §3.10.7.3; RFC 7413 §3) [witnessed by its frame 3]');
    expect(run.stdout).toContain('[retransmission]');
    expect(run.stdout).toContain('! fin-retransmitted:');
    expect(run.stdout).toContain('projected');
  });

  test('--stream N picks the connections of tcp.stream N, each ladder titled with it, windows scaled', async () => {
    // tshark -r late-packets.pcap: frames 1-6 and 13, 14, 17 are tcp.stream 0; tcplens hands the
    // closed connection on after 2×MSL, so stream 0 is its connections 1 and 3.
    const run = await runCli(['timeline', LATE, '--stream', '0']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('connection'))).toEqual([
      'connection 1 (tcp.stream 0): client 10.0.0.1:40000 → server 10.0.0.2:80',
      'connection 3 (tcp.stream 0): client 10.0.0.1:40000 → server 10.0.0.2:80',
    ]);
    // tshark: frame 3's tcp.window_size is 502 << 7 = 64256
    expect(run.stdout).toMatch(/──ACK seq=1 ack=1 len=0 win=64256──▶/);
    expect((await runCli(['timeline', LATE])).stderr).toContain('--conn ID or --stream N');
    // Lists as the filters take them: connections 1 and 2 (stream 1), comma-separated.
    const two = await runCli(['timeline', LATE, '--conn', '1,2']);
    expect(two.stdout.split('\n').filter((l) => l.startsWith('connection')).map((l) => l.split(':')[0])).toEqual(['connection 1 (tcp.stream 0)', 'connection 2 (tcp.stream 1)']);
    expect((await runCli(['timeline', LATE, '--conn', '1,x'])).stderr).toContain('--conn must be a connection id (1, 2, …), not x');
    expect((await runCli(['timeline', LATE, '--stream', '9'])).stderr).toContain('no connection in tcp.stream 9');
  });

  test('the scale of a window is unknown without the handshake (win=N×?)', async () => {
    const run = await runCli(['timeline', join(ORACLE_DIR, 'crafted', 'window-full-unknown-scale.pcap'), '--conn', '1']);
    expect(run.stdout).toMatch(/len=100 win=10×\?/);
  });

  test('an unknown connection id is a usage error naming how many there are', async () => {
    const run = await runCli(['timeline', join(SAMPLES, 'refused.pcap'), '--conn', '7']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has 1 TCP connection; no connection 7');
  });
});

test('colour codes appear only when asked for (terminals without NO_COLOR)', async () => {
  const doc = await json(join(SAMPLES, 'refused.pcap'));
  expect(textReport(doc, { style: COLOUR })).toContain('\u001b[1m');
  expect(textReport(doc)).not.toContain('\u001b[');
  // --zeek-ignore-checksums: the loopback SYN's offloaded checksum would add CHECKSUM_OFFLOADING to stderr.
  const noColour = await runCli(['analyze', join(SAMPLES, 'refused.pcap'), '--zeek-ignore-checksums'], { env: { NO_COLOR: '1' } });
  expect(noColour.stdout).not.toContain('\u001b[');
  expect(noColour.stderr).toBe(''); // no progress bar outside a terminal
});

describe('why is it slow, in every report', () => {
  test('text and HTML count frames by Wireshark flag (tshark on lossy.pcap: 2 retransmissions, one of them fast, 3 duplicate ACKs) and Zeek weirds by name', async () => {
    const lossy = join(ORACLE_DIR, 'crafted', 'lossy.pcap');
    const text = (await runCli(['analyze', lossy])).stdout;
    expect(text).toMatch(/frames by Wireshark flag \(tcp\.analysis\.\*\):\n +3 {2}duplicate_ack\n +2 {2}retransmission\n +1 {2}fast_retransmission\n/);
    // A loopback capture without zeek -C: Zeek marks every segment's offloaded checksum.
    const loop = (await runCli(['analyze', join(SAMPLES, 'refused.pcap')])).stdout;
    // (The SYN's checksum was left to offload: Zeek skips that segment, so the RST it sees is spontaneous.)
    expect(loop).toMatch(/Zeek weirds \(weird\.log names; --format zeek-weird writes the log\):\n +1 {2}bad_TCP_checksum\n +1 {2}spontaneous_RST\n/);
    const html = (await runCli(['analyze', lossy, '-f', 'html'])).stdout;
    expect(html).toMatch(/data-counts="wireshark-flags"(.|\n)*<tr><td>3<\/td><td>duplicate_ack<\/td><\/tr>/);
    expect(html).toContain('no Zeek weird');
  });
});
