/**
 * Every corpus capture is read and decoded as the oracles read it:
 * - the packet count equals capinfos' (and the number of packet rows tshark lists);
 * - frame numbers, captured and original lengths, timestamps and interfaces equal tshark's;
 * - every frame tshark decodes as TCP has our TCP fields equal to tshark's (addresses, ports,
 *   raw seq and ack, flags, payload length, window), and we find TCP nowhere else;
 * - damaged files end with the documented error or warning, keeping the frames before it.
 */
import { describe, expect, test } from 'vitest';
import { collect, type CollectedFrame } from '../support/collect.js';
import { HAVE_CORPUS, SKIP_MESSAGE, corpusPath, manifest, oracleText, readTsv, type ManifestEntry } from '../support/corpus.js';

/** Files whose reading must stop with an error (code, and text that says why), or warn. */
const EXPECTED_DAMAGE: Record<string, { error?: string; warning?: string; text: RegExp; offset?: number }> = {
  'pcapplusplus/file_heuristics/bogus-content.txt': { error: 'BAD_MAGIC', text: /not a capture file.*starts with text/, offset: 0 },
  // libpcap's TESTrun expected errors (libpcap-expected-error.txt) are matched word for word.
  'libpcap/pcap-invalid-version-1.pcap': { error: 'UNSUPPORTED_VERSION', text: /unsupported pcap savefile version 1\.4/, offset: 4 },
  'libpcap/pcapng-invalid-vers-1.pcapng': { error: 'UNSUPPORTED_VERSION', text: /unsupported pcapng savefile version 0\.1/, offset: 12 },
  // The SHB says 52 bytes and its trailer (byte 48) holds 0x30303030. libpcap skips SHB trailers
  // and reports the next block ("header 32 and trailer 808464432"); tshark trips on the SHB's
  // option of length 12336. We report the first damaged field: the SHB trailer.
  'libpcap/shb-option-too-long.pcapng': {
    error: 'BLOCK_LENGTH_MISMATCH',
    text: /block total length in header 52 and trailer 808464432 don't match/,
    offset: 48,
  },
  'libpcap/linktype-reserved-field-not-zero.pcap': {
    error: 'RESERVED_LINKTYPE_BITS',
    text: /savefile linktype reserved field not zero \(0x00300000\)/,
    offset: 20,
  },
  // gopacket's ngread_test: the second section has SHB version 2.0 (ErrNgVersionMismatch); tshark stops there too.
  'gopacket/pcapgo/tests/be/test901.pcapng': { error: 'UNSUPPORTED_VERSION', text: /version 2\.0 in section 2/ },
  '_derived/get-truncated-global-header.pcap': { error: 'TRUNCATED_FILE_HEADER', text: /ends after 20 bytes, inside the 24-byte pcap file header/ },
  // Derived by `head -c 5961`: record 10 starts at byte 5925, announces 66 bytes, has 20.
  '_derived/get-truncated-mid-packet.pcap': { warning: 'TRUNCATED_RECORD', text: /record 10: 66 captured bytes announced, 20 present/, offset: 5925 },
  '_derived/get-truncated-mid-record-header.pcap': { warning: 'TRUNCATED_RECORD', text: /header of record 10 \(8 of 16 bytes\)/, offset: 5925 },
};

/**
 * Where tshark's TCP view and ours differ on purpose, and why.
 * - tcp_header_heapoverflow: the snap length (46) cuts the TCP header after 12 bytes; tshark
 *   shows the fields it could read, we record a truncated TCP header and show none.
 */
const TCP_ONLY_IN_TSHARK: Record<string, number[]> = {
  'tcpdump/tcp_header_heapoverflow.pcap': [1],
};

/** tshark prints this file's out-of-range sub-second fields raw (and one overflowed); we carry them into the seconds. */
const TIMESTAMPS_NORMALISED = new Set(['tcpdump/timestamp_invalid_micro.pcap']);

const entries = manifest();

if (!HAVE_CORPUS) {
  console.warn(SKIP_MESSAGE);
  describe.skip(SKIP_MESSAGE, () => {
    test('corpus frames', () => {});
  });
} else {
  describe('corpus: frames and TCP fields equal the oracles', () => {
    test('the manifest lists the captures', () => {
      expect(entries.length).toBeGreaterThanOrEqual(130);
    });

    test.each(entries.map((e) => [e.file, e] as const))('%s', async (_name, entry) => {
      const { result, frames } = await collect(corpusPath(entry.file), entry.file);
      checkDamage(entry, result);
      checkFrames(entry, frames, result.lastFrame);
      checkTcp(entry, frames);
    });
  });
}

function checkDamage(entry: ManifestEntry, result: Awaited<ReturnType<typeof collect>>['result']): void {
  const expected = EXPECTED_DAMAGE[entry.file];
  const oracleFailed = entry.tshark_err !== '' || entry.capinfos_rc !== 0;
  if (expected === undefined) {
    expect(oracleFailed, 'tshark or capinfos failed on this file: list it in EXPECTED_DAMAGE').toBe(false);
    expect(result.error).toBeNull();
    expect(result.warnings.filter((w) => w.code.startsWith('TRUNCATED'))).toEqual([]);
    return;
  }
  if (expected.error !== undefined) {
    expect(result.error?.code).toBe(expected.error);
    expect(result.error?.message).toMatch(expected.text);
    if (expected.offset !== undefined) expect(result.error?.fileOffset).toBe(expected.offset);
  } else {
    expect(result.error).toBeNull();
    const w = result.warnings.find((x) => x.code === expected.warning);
    expect(w, `warning ${expected.warning}`).toBeDefined();
    expect(w?.message).toMatch(expected.text);
    if (expected.offset !== undefined) expect(w?.fileOffset).toBe(expected.offset);
  }
  const libpcapError = oracleText(entry.file, 'libpcap-expected-error.txt');
  if (libpcapError !== null && /reserved|version/.test(libpcapError)) {
    expect(result.error?.message).toContain(libpcapError.replace(/^Failed opening: /, '').trim());
  }
}

function checkFrames(entry: ManifestEntry, frames: CollectedFrame[], lastFrame: number): void {
  const rows = readTsv(entry.file, 'tshark-frames.tsv');
  // tshark also lists pcapng custom blocks as frames (no encapsulation); they are not packets.
  let packetRows = rows.filter((r) => r['frame.encap_type'] !== '');
  if (EXPECTED_DAMAGE[entry.file]?.error === undefined) {
    if (/^\d+$/.test(entry.packets)) expect(frames.length, 'capinfos packet count').toBe(Number(entry.packets));
    if (rows.length > 0) expect(lastFrame).toBe(Number(rows[rows.length - 1]?.['frame.number']));
  } else {
    // Reading stopped at the damage: what we read is what tshark read before it.
    packetRows = packetRows.slice(0, frames.length);
  }
  expect(frames.map((f) => f.frame), 'frame numbers').toEqual(packetRows.map((r) => Number(r['frame.number'])));
  const byNumber = new Map(frames.map((f) => [f.frame, f]));
  for (const r of packetRows) {
    const f = byNumber.get(Number(r['frame.number']));
    expect(f).toBeDefined();
    if (f === undefined) continue;
    const at = `frame ${f.frame}`;
    expect(f.caplen, `${at} caplen`).toBe(Number(r['frame.cap_len']));
    expect(f.len, `${at} len`).toBe(Number(r['frame.len']));
    const ts = r['frame.time_epoch'] ?? '';
    if (ts === '') expect(f.ts, `${at} has no timestamp`).toBeNull();
    else if (!TIMESTAMPS_NORMALISED.has(entry.file)) expect(f.ts, `${at} ts`).toBe(ts);
    if ((r['frame.interface_id'] ?? '') !== '') expect(f.iface, `${at} iface`).toBe(Number(r['frame.interface_id']));
  }
}

function checkTcp(entry: ManifestEntry, frames: CollectedFrame[]): void {
  const rows = readTsv(entry.file, 'tshark-tcp.tsv');
  const byNumber = new Map(frames.map((f) => [f.frame, f]));
  const onlyTshark = TCP_ONLY_IN_TSHARK[entry.file] ?? [];
  const tsharkTcp = new Set<number>();
  const read = new Set(frames.map((f) => f.frame));
  for (const r of rows) {
    if (EXPECTED_DAMAGE[entry.file]?.error !== undefined && !read.has(Number(r['frame.number']))) continue;
    const n = Number(r['frame.number']);
    tsharkTcp.add(n);
    const f = byNumber.get(n);
    const at = `frame ${n}`;
    if (onlyTshark.includes(n)) {
      expect(f?.tcp ?? null, `${at}: known difference`).toBeNull();
      expect(f?.issue?.layer, `${at}: our issue`).toBe('tcp');
      continue;
    }
    expect(f?.tcp, `${at} TCP decoded`).toBeTruthy();
    if (f === undefined || f.tcp === null) continue;
    const src = r['ip.src'] !== '' ? r['ip.src'] : r['ipv6.src'];
    const dst = r['ip.dst'] !== '' ? r['ip.dst'] : r['ipv6.dst'];
    expect(
      { src: f.src, dst: f.dst, sport: f.tcp.sport, dport: f.tcp.dport, seq: f.tcp.seq, ack: f.tcp.ack, flags: f.tcp.flags, len: f.tcp.len, win: f.tcp.win },
      at,
    ).toEqual({
      src,
      dst,
      sport: Number(r['tcp.srcport']),
      dport: Number(r['tcp.dstport']),
      seq: Number(r['tcp.seq_raw']),
      ack: Number(r['tcp.ack_raw']),
      flags: Number.parseInt(r['tcp.flags'] ?? '', 16),
      len: Number(r['tcp.len']),
      win: Number(r['tcp.window_size_value']),
    });
  }
  const onlyOurs = frames.filter((f) => f.tcp !== null && !tsharkTcp.has(f.frame)).map((f) => f.frame);
  expect(onlyOurs, 'frames we decode as TCP and tshark does not').toEqual([]);
}
