/** `tcplens analyze` as a user runs it: every format from the built CLI, exit codes, options. */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateManyConnections } from '../../bench/generate-many.js';
import { SAMPLES, runCli } from '../support/cli.js';

const HANDSHAKE = join(SAMPLES, 'handshake-close.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'tcplens-analyze-'));

describe('tcplens analyze', () => {
  test('json: one document with the documented fields', async () => {
    const run = await runCli(['analyze', HANDSHAKE, '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown> & { connections: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['tcplens', 'capture', 'connections', 'anomalies', 'warnings', 'performance']);
    expect(doc['tcplens']).toBe(1);
    const c = doc.connections[0] as Record<string, unknown>;
    for (const k of ['id', 'client', 'server', 'rolesInferred', 'firstFrame', 'lastFrame', 'start', 'end', 'duration', 'packets', 'bytes', 'states', 'transitions', 'zeek', 'completeness', 'irtt', 'analysis', 'figures', 'anomalies']) {
      expect(c, k).toHaveProperty(k);
    }
    expect(c['client']).toEqual({ ip: '127.0.0.1', port: 40096 });
    expect(c['server']).toEqual({ ip: '127.0.0.1', port: 47101 });
    expect((c['transitions'] as { side: string; from: string; to: string }[])[0]).toMatchObject({ side: 'client', from: 'UNSEEN', to: 'SYN-SENT', frame: 1 });
    // client frames 1 3 4 7 8 10, server frames 2 5 6 9 (tcpdump -nn -r samples/handshake-close.pcap).
    // A loopback capture carries offloaded checksums: Zeek (no -C) skips every segment, history C.
    expect(c['zeek']).toMatchObject({ conn_state: 'OTH', history: 'C', orig_pkts: 0, resp_pkts: 0 });
    const withC = JSON.parse((await runCli(['analyze', HANDSHAKE, '-f', 'json', '--zeek-ignore-checksums'])).stdout) as { connections: Record<string, unknown>[] };
    expect(withC.connections[0]?.['zeek']).toMatchObject({ conn_state: 'SF', history: 'ShADadFf', orig_pkts: 6, resp_pkts: 4, orig_bytes: 18, resp_bytes: 25 });
    expect(c['completeness']).toBe(31);
  });

  test('ndjson: one line per connection, then anomalies, then a summary', async () => {
    const run = await runCli(['analyze', join(SAMPLES, 'syn-flood.pcapng'), '-f', 'ndjson']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });
    expect(lines.filter((l) => l.type === 'connection')).toHaveLength(303);
    expect(lines.filter((l) => l.type === 'anomaly').map((l) => l['id'])).toEqual(['syn-flood']);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'summary', tcplens: 1, connections: 303, anomalies: { 'syn-flood': 1 } });
  });

  test('zeek: a conn.log that zeek-cut style readers parse', async () => {
    const run = await runCli(['analyze', HANDSHAKE, '-f', 'zeek', '--zeek-ignore-checksums']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('#separator \\x09');
    const fields = (lines.find((l) => l.startsWith('#fields')) ?? '').split('\t').slice(1);
    expect(fields.slice(0, 6)).toEqual(['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
    const rows = lines.filter((l) => !l.startsWith('#'));
    expect(rows).toHaveLength(1);
    const row = Object.fromEntries(fields.map((f, i) => [f, (rows[0] ?? '').split('\t')[i]]));
    expect(row).toMatchObject({ proto: 'tcp', conn_state: 'SF', history: 'ShADadFf', orig_bytes: '18', resp_bytes: '25', orig_pkts: '6', resp_pkts: '4' });
    expect(lines[lines.length - 1]).toMatch(/^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
  });

  test('text summary names states, Zeek codes and anomalies', async () => {
    const run = await runCli(['analyze', join(SAMPLES, 'missing-final-ack.pcap')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('TIME-WAIT / LAST-ACK');
    expect(run.stdout).toContain('missing-final-ack');
  });

  test('standard input, and a damaged file keeps what it read and exits 3', async () => {
    const fromStdin = await runCli(['analyze', '-', '-f', 'json'], { stdin: readFileSync(HANDSHAKE) });
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout).connections).toHaveLength(1);
    const cut = readFileSync(HANDSHAKE).subarray(0, 24 + 4 * (16 + 74) + 8);
    const path = join(tmp, 'cut.pcap');
    writeFileSync(path, cut);
    const run = await runCli(['analyze', path, '-f', 'json']);
    expect(run.code).toBe(0); // a truncated last record is a warning
    expect(run.stderr).toContain('warning');
    expect(JSON.parse(run.stdout).connections[0].packets).toEqual({ client: 3, server: 1 });
  });

  test('options are checked and named', async () => {
    const bad = await runCli(['analyze', HANDSHAKE, '--msl', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--msl must be a positive number');
    const share = await runCli(['analyze', HANDSHAKE, '--syn-flood-max-completed', '2']);
    expect(share.code).toBe(2);
    expect(share.stderr).toContain('--syn-flood-max-completed must be a share between 0 and 1');
    const help = await runCli(['analyze', '--help']);
    expect(help.stdout).toContain('--syn-flood-min');
    expect(help.stdout).toContain('Examples:');
  });

  test("tshark's -t letters (ud, e, r, dd) are the same modes as the words", async () => {
    for (const [letter, word] of [['ud', 'iso'], ['e', 'epoch'], ['r', 'relative'], ['dd', 'delta']] as const) {
      const short = await runCli(['packets', HANDSHAKE, '-t', letter]);
      expect(short.code, letter).toBe(0);
      expect(short.stdout, letter).toBe((await runCli(['packets', HANDSHAKE, '--time', word])).stdout);
    }
  });

  test('filters that match nothing say so: the text report counts what matched of all, stderr warns', async () => {
    const four = join(SAMPLES, 'syn-flood.pcapng');
    const some = await runCli(['analyze', four, '--conn', '1,2']); // comma-separated, as the README says
    expect(some.code).toBe(0);
    expect(some.stdout).toContain('2 of 303 TCP connections match the filters');
    expect(some.stderr).not.toContain('matches the filters');
    const none = await runCli(['analyze', four, '--conn', '999']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('0 of 303 TCP connections match the filters');
    expect(none.stderr).toContain(`tcplens: warning: ${four}: none of its 303 TCP connections matches the filters`);
    const json = await runCli(['analyze', four, '--conn', '999', '-f', 'json']);
    expect(json.stderr).toContain('none of its 303 TCP connections matches the filters');
    const unfiltered = await runCli(['analyze', four]);
    expect(unfiltered.stdout).toContain('303 TCP connections');
    expect(unfiltered.stdout).not.toContain('match the filters');
  });

  test('a file that fails before its first packet does not read as an empty capture', async () => {
    const path = join(tmp, 'notes.pcap');
    writeFileSync(path, 'not a capture at all\n');
    const run = await runCli(['analyze', path]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('0 TCP connections (nothing read before the error)');
    expect(run.stderr).toContain(`tcplens: error: ${path}: at byte 0x0 (0): not a capture file`);
    const read = await runCli(['analyze', HANDSHAKE]);
    expect(read.stdout).not.toContain('nothing read before the error');
  });

  test('--msl moves the projected end of TIME-WAIT', async () => {
    const run = await runCli(['analyze', HANDSHAKE, '-f', 'json', '--msl', '60']);
    const t = JSON.parse(run.stdout).connections[0].transitions as { projected: boolean; ts: string; cause: string }[];
    const projected = t.find((x) => x.projected);
    expect(projected?.cause).toContain('2×MSL (120 s)');
  });
});

describe('the command line', () => {
  test('a mistyped command is a usage error that names the likely one', async () => {
    const run = await runCli(['analyz', 'x.pcap']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean analyze?');
  });
});

test('CONNECTION_LIMIT is the analysis\'s warning, with a frame: in the JSON document, the ndjson summary, the text report and on stderr, never among the file\'s warnings', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'tcplens-limit-')), 'many.pcap');
  generateManyConnections(path, 300, 10, 'refused');
  const json = await runCli(['analyze', path, '--format', 'json', '--max-connections', '100']);
  const doc = JSON.parse(json.stdout) as { capture: { warnings: unknown[] }; warnings: { code: string; frame: number; message: string }[] };
  expect(doc.capture.warnings).toEqual([]);
  expect(doc.warnings.map((w) => [w.code, w.frame])).toEqual([['CONNECTION_LIMIT', 201]]);
  expect(json.stderr).toContain(`tcplens: warning: ${path}: more than 100 connections were held at once (first at frame 201)`);
  const nd = await runCli(['analyze', path, '--format', 'ndjson', '--max-connections', '100']);
  const summary = JSON.parse(nd.stdout.trim().split('\n').at(-1) as string) as { type: string; warnings: { code: string }[] };
  expect([summary.type, summary.warnings.map((w) => w.code)]).toEqual(['summary', ['CONNECTION_LIMIT']]);
  const text = await runCli(['analyze', path, '--max-connections', '100']);
  expect(text.stdout).toMatch(/\n {2}warning: more than 100 connections were held at once \(first at frame 201\)/);
});
