/**
 * tcptrace parity: on every corpus capture with a `tcptrace -l` baseline (MANIFEST-DEV.md
 * ".tcptrace.txt"), each connection's per-direction figures equal tcptrace's, field by field:
 * unique and retransmitted bytes and segments, probes, out-of-order, windows, options,
 * throughput. RTT lines come from `tcptrace -l -r -n` runs of the same captures, kept in
 * test/fixtures/tcptrace/corpus/ (command and version at the top of each).
 *
 * Connections are matched by their two endpoints, in order of first packet; a pair whose packet
 * counts differ is a connection-model difference (tcptrace splits and merges reused four-tuples
 * its own way), not a figure difference, and is listed as not comparable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { analyze } from '../support/analyze.js';
import { HAVE_CORPUS, SKIP_MESSAGE, corpusPath, manifest, oracleText } from '../support/corpus.js';
import { FIELDS, compare, parseTcptrace, type Comparison } from '../support/tcptrace.js';

const here = dirname(fileURLToPath(import.meta.url));
const RTT_FIXTURES = join(here, '..', 'fixtures', 'tcptrace', 'corpus');

/**
 * Known, explained differences (capture → field → why; "capture#N" for one tcptrace connection).
 * Every entry is a difference in tcptrace's reading of the packets, traced to its source: see
 * the README section "tcptrace's figures".
 */
const TRUSTS_IP_LENGTH =
  'five frames whose IPv4 total length claims 8 or 20 bytes more than the frame carried on the wire (frame.len): tcptrace takes the payload from ip_len (ipv6.c getpayloadlength), we take what the frame holds, as tshark does';
const IPV6_EXTENSION =
  'every packet carries an IPv6 fragment header: tcptrace takes the TCP length from ip6_lngth, extension headers included (ipv6.c getpayloadlength: "how about all headers"), so each segment has 8 bytes of phantom data';
const KNOWN: Record<string, Record<string, string>> = {
  // Checked: with those five IP lengths set to the frames' (a patched copy), tcptrace -l -r gives
  // exactly our unique (28832), data (34370) and resent (5539) bytes and 21 RTT samples.
  'zeek/tcp/reassembly.pcap': Object.fromEntries(
    ['unique bytes sent', 'actual data bytes', 'rexmt data bytes', 'throughput', 'RTT samples', 'RTT min', 'RTT max', 'RTT avg'].map((f) => [f, TRUSTS_IP_LENGTH]),
  ),
  'zeek/ipv6-http-atomic-frag.pcap': Object.fromEntries(
    ['pure acks sent', 'unique bytes sent', 'actual data pkts', 'actual data bytes', 'rexmt data pkts', 'rexmt data bytes', 'throughput', 'RTT samples', 'RTT min', 'RTT max', 'RTT avg'].map((f) => [f, IPV6_EXTENSION]),
  ),
  // The server's ISN is 0xFFFFFFFF and the ACK of its SYN,ACK is 0: rexmit.c ack_in acknowledges
  // the previous quadrant's segments (tcptrace splits sequence space in four) without an RTT sample.
  'arkime/tcp_handshake_synthetic.pcap#14': Object.fromEntries(['RTT samples', 'RTT min', 'RTT max', 'RTT avg'].map((f) => [f, 'an ACK that wraps past 2^32 gives tcptrace no RTT sample (quadrant boundary)'])),
};

const L_FIELDS = Object.keys(FIELDS).filter((f) => !f.startsWith('RTT'));
const RTT_FIELDS = Object.keys(FIELDS).filter((f) => f.startsWith('RTT'));

const entries = manifest().filter((e) => (oracleText(e.file, 'tcptrace.txt') ?? '').includes('TCP connection 1:'));

describe.skipIf(!HAVE_CORPUS)('tcptrace -l figures on the corpus', () => {
  const all: (Comparison & { ok: boolean })[] = [];
  const skippedAll: string[] = [];
  test.each(entries.map((e) => e.file))('%s', async (file) => {
    const result = await analyze(corpusPath(file), file);
    const trace = parseTcptrace(oracleText(file, 'tcptrace.txt') as string);
    const { rows, skipped } = compare(file, result.connections, trace, L_FIELDS);
    const rttPath = join(RTT_FIXTURES, `${file}.tcptrace-lr.txt`);
    if (existsSync(rttPath)) {
      const r = compare(file, result.connections, parseTcptrace(readFileSync(rttPath, 'utf8')), RTT_FIELDS);
      rows.push(...r.rows);
    }
    all.push(...rows);
    skippedAll.push(...skipped);
    const bad = rows.filter((r) => !r.ok && (KNOWN[`${file}#${r.conn}`] ?? KNOWN[file])?.[r.field] === undefined);
    expect(bad.map((r) => `conn ${r.conn} ${r.dir} ${r.field}: ours ${r.ours}, tcptrace ${r.theirs}`)).toEqual([]);
  });
  test('agreement per field (printed)', () => {
    const per = new Map<string, [number, number]>();
    for (const r of all) {
      const v = per.get(r.field) ?? [0, 0];
      v[0] += r.ok ? 1 : 0;
      v[1]++;
      per.set(r.field, v);
    }
    console.log(`tcptrace agreement per field (direction values equal / compared):\n${[...per].map(([f, [ok, n]]) => `  ${f.padEnd(20)} ${ok}/${n}`).join('\n')}\nnot comparable:\n  ${skippedAll.join('\n  ')}`);
    // 175 connections of 75 captures compare today; fewer would mean the matching broke, not the figures.
    expect(new Set(all.map((r) => `${r.file}#${r.conn}`)).size).toBeGreaterThanOrEqual(175);
  });
});

if (!HAVE_CORPUS) test.skip(SKIP_MESSAGE, () => {});
