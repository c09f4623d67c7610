/**
 * Zeek's TCP weirds, each from the packets that make Zeek call Weird("…"), under Zeek's
 * conditions (zeek/zeek src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc unless noted).
 * The JSON keeps every call; weird.log then applies weird.zeek's actions (see the last block).
 */
import { describe, expect, test } from 'vitest';
import type { ZeekConfig } from '../../../src/tcp/zeek/config.js';
import { ZEEK_WEIRD_NAMES, ZEEK_WEIRDS, type ZeekWeirdName } from '../../../src/tcp/zeek/weirds.js';
import type { ConnectionRecord } from '../../../src/report/model.js';
import { ZeekWeirdLog } from '../../../src/report/formats/zeek-weird.js';
import { analyze } from '../../support/analyze.js';
import { corpusPath, HAVE_CORPUS, oracleText } from '../../support/corpus.js';
import { zeekLadder } from './zeek-ladder.js';

const HANDSHAKE = `
  t=0 C>S SYN
  t=0.1 C<S SYN,ACK
  t=0.2 C>S ACK`;

/** Every weird of every row, in order. */
function weirds(text: string): string[] {
  return zeekLadder(text).rows.flatMap((z) => z.weirds.map((w) => w.name));
}

/** Weirds whose case below ran to the end of its assertion (the catalogue check at the end reads it). */
const RAISED = new Set<ZeekWeirdName>();
/** Client ISN minus server ISN: a responder's sequence number equal to the originator's start. */
const AT_CLIENT_ISN = -9985;
/** The server's relative sequence number whose absolute value is 0 (its ISN is 0xfffffff0). */
const AT_ZERO = 16;
const STORM: Partial<ZeekConfig> = { tcpStormThresh: 3 };

describe('weirds raised by the state machine', () => {
  test.each<[ZeekWeirdName, string, Partial<ZeekConfig>?]>([
    // init_endpoint, ESTABLISHED/PARTIAL + SYN: "if ( endpoint->Size() > 0 )"
    ['SYN_inside_connection', `${HANDSHAKE}\nt=1 C>S PSH,ACK len=10\nt=2 C>S SYN seq=0`],
    // IsReuse: a SYN with a new sequence number while the originator is SYN_SENT
    ['SYN_seq_jump', 't=0 C>S SYN\nt=1 C>S SYN seq=100'],
    // UpdateInactiveState: FIN from an INACTIVE endpoint whose peer is not PARTIAL
    ['spontaneous_FIN', 't=0 C>S FIN,ACK seq=1 ack=1'],
    // UpdateInactiveState: a RST that is no reject, peer INACTIVE
    ['spontaneous_RST', 't=0 C>S RST seq=1'],
    // UpdateResetState: "if ( len > 0 && ! flags.RST() )"
    ['data_after_reset', `${HANDSHAKE}\nt=1 C>S RST,ACK\nt=1.1 C>S PSH,ACK seq=1 len=5`],
    // UpdateClosedState: a SYN from a side that sent its FIN (a SYN-ACK: IsReuse lets it through)
    ['SYN_after_close', `${HANDSHAKE}\nt=1 C>S FIN,ACK\nt=1.1 C>S SYN,ACK seq=0`],
    // UpdateResetState: "if ( flags.SYN() )"
    ['SYN_after_reset', `${HANDSHAKE}\nt=1 C>S RST,ACK\nt=1.1 C>S SYN,ACK seq=0`],
    // UpdateSYN_SentState: payload before the handshake completes
    ['data_before_established', 't=0 C>S SYN\nt=0.1 C>S PSH seq=1 len=5'],
    // UpdateSYN_SentState: FIN while the peer is INACTIVE or SYN_SENT
    ['inappropriate_FIN', 't=0 C>S SYN\nt=0.1 C>S FIN seq=1'],
    // UpdateSYN_SentState: the originator in SYN_SENT sends a SYN-ACK
    ['repeated_SYN_with_ack', 't=0 C>S SYN\nt=0.1 C>S SYN,ACK seq=0 ack=0'],
    // UpdateClosedState: a second FIN that moves last_seq forward
    ['FIN_advanced_last_seq', `${HANDSHAKE}\nt=1 C>S FIN,ACK\nt=1.1 C>S FIN,ACK seq=5`],
    // SynWeirds: SYN with RST, with URG, with data
    ['TCP_christmas', 't=0 C>S SYN,RST'],
    ['baroque_SYN', 't=0 C>S SYN,URG'],
    ['SYN_with_data', 't=0 C>S SYN len=10'],
    // init_peer: "We've already sent a SYN, but that hasn't roused the other end, yet we're ack'ing their data."
    ['possible_split_routing', 't=0 C>S SYN\nt=0.1 C>S ACK seq=1 ack=1'],
    // update_window: the right edge ack + window moves back by at least 2^scale (window_seq is
    // set by init_window only when the SYN carries a window scale option)
    ['window_recision', 't=0 C>S SYN wscale=0\nt=0.1 C<S SYN,ACK wscale=0\nt=0.2 C>S ACK\nt=1 C<S ACK win=1000\nt=1.1 C<S ACK win=100'],
    // Process: get_relative_seq underflow on a non-RST segment
    ['TCP_seq_underflow_or_misorder', 't=0 C>S PSH,ACK seq=100 ack=1 len=10\nt=0.1 C>S PSH,ACK seq=50 ack=1 len=10'],
    // TCPAnalyzer::ValidateChecksum: a bad checksum on a whole payload
    ['bad_TCP_checksum', 't=0 C>S SYN bad'],
    // Process: the ACK number lies before the peer's sequence space (get_relative_seq underflows)
    ['TCP_ack_underflow_or_misorder', `${HANDSHAKE}\nt=1 C>S ACK ack=-100000`],
    // Process: the third FIN (tcp_storm_thresh lowered to 3) within 1 s of the last packet
    ['FIN_storm', `${HANDSHAKE}\nt=1 C>S FIN,ACK\nt=1.1 C>S FIN,ACK seq=1\nt=1.2 C>S FIN,ACK seq=1`, STORM],
    ['RST_storm', `${HANDSHAKE}\nt=1 C>S RST,ACK\nt=1.1 C>S RST,ACK seq=1\nt=1.2 C>S RST,ACK seq=1`, STORM],
    // UpdateInactiveState (after the SYN,ACK-first flip): the originator's SYN,ACK
    ['connection_originator_SYN_ack', 't=0 S>C SYN,ACK ack=1\nt=0.1 C>S ACK'],
    // UpdateInactiveState: the responder's SYN,ACK acknowledges past the originator's last sequence number
    ['bad_SYN_ack', 't=0 C>S SYN\nt=0.1 C<S SYN,ACK ack=5000'],
    // UpdateInactiveState: the responder's bare SYN at the originator's ISN (IsReuse lets it through)
    ['simultaneous_open', `t=0 C>S SYN\nt=0.1 C<S SYN seq=${AT_CLIENT_ISN}`],
    // UpdateSYN_SentState: a SYN without ACK from the responder in SYN_ACK_SENT. It gets there only
    // when the SYN,ACK comes first and the other side's ACK flips the roles (the ACK's sender, a
    // partial originator, starts at its first sequence number − 1); the SYN must not be a reuse, so
    // it carries that start (IsReuse: base_seq == conn_orig->StartSeq()).
    ['repeated_SYN_reply_wo_ack', `t=0 S>C SYN,ACK ack=1\nt=0.05 C>S ACK\nt=0.1 S>C SYN seq=${AT_CLIENT_ISN - 1}`],
    // UpdateInactiveState: the responder's SYN,ACK while the originator is INACTIVE: its SYN had a
    // bad checksum and was skipped; sequence number 0 again, or IsReuse takes the SYN,ACK as a reuse
    ['unsolicited_SYN_response', `t=0 C>S SYN bad\nt=0.1 C<S SYN,ACK seq=${AT_ZERO} ack=1`],
    // UpdateResetState: "if ( flags.FIN() )"
    ['FIN_after_reset', `${HANDSHAKE}\nt=1 C>S RST,ACK\nt=1.1 C>S FIN,ACK seq=1`],
    // init_window: a window scale above 14
    ['TCP_scale_range', 't=0 C>S SYN wscale=15\nt=0.1 C<S SYN,ACK wscale=7'],
    // TCP_Reassembler::DataSent: 200 bytes above a hole, none of the client's data acknowledged (limit lowered to 100)
    ['above_hole_data_without_any_acks', `${HANDSHAKE}\nt=1 C>S PSH,ACK seq=101 len=200`, { tcpMaxAboveHoleWithoutAnyAcks: 100 }],
    // TCP_Reassembler::DataSent: 200 bytes buffered unacknowledged (limit lowered to 100, the above-hole check off)
    ['excessive_data_without_further_acks', `${HANDSHAKE}\nt=1 C>S PSH,ACK seq=101 len=200`, { tcpMaxAboveHoleWithoutAnyAcks: 0, tcpExcessiveDataWithoutFurtherAcks: 100 }],
    // TCP_Endpoint::DataSent: caplen < len
    ['truncated_tcp_payload', `${HANDSHAKE}\nt=1 C>S PSH,ACK len=100 cut`],
    // IsReuse: a SYN with a new sequence number on an established connection
    ['active_connection_reuse', `${HANDSHAKE}\nt=1 C>S SYN seq=5000`],
    // IsReuse: a new SYN 1.9 s after both FINs (tcp_connection_linger 5 s)
    ['premature_connection_reuse', `${HANDSHAKE}\nt=1 C>S FIN,ACK\nt=1.1 C<S FIN,ACK\nt=3 C>S SYN seq=9000`],
    // UpdateEstablishedState: a SYN from a PARTIAL originator whose responder is INACTIVE, at its start
    // (init_endpoint: a partial endpoint starts at its first sequence number − 1), so not a reuse
    ['SYN_after_partial', 't=0 C>S PSH,ACK len=10\nt=1 C>S SYN seq=-1'],
  ])('%s', (name, text, cfg) => {
    expect(zeekLadder(text, cfg === undefined ? {} : { cfg }).rows.flatMap((z) => z.weirds.map((w) => w.name))).toContain(name);
    RAISED.add(name);
  });

  // IsReuse compares any bare SYN with the originator's start: the responder's own SYN (a
  // simultaneous open) is taken as a reuse of the four-tuple, with SYN_seq_jump, and starts a
  // new connection; UpdateInactiveState's simultaneous_open needs a SYN at the originator's ISN.
  test('a responder\'s bare SYN after the originator\'s: SYN_seq_jump and a new row (IsReuse)', () => {
    const r = zeekLadder('t=0 C>S SYN\nt=0.01 C<S SYN seq=0');
    expect(r.rows).toHaveLength(2);
    expect(r.rows[0]?.weirds.map((w) => w.name)).toEqual(['SYN_seq_jump']);
  });

  test('an ordinary connection raises none', () => {
    expect(weirds(`${HANDSHAKE}\nt=1 C>S PSH,ACK len=10\nt=1.1 C<S PSH,ACK len=20\nt=1.2 C>S FIN,ACK\nt=1.3 C<S FIN,ACK\nt=1.4 C>S ACK`)).toEqual([]);
  });

  test('a weird carries the frame and time of the segment that raised it', () => {
    const w = zeekLadder(`${HANDSHAKE}\nt=1 C>S RST,ACK\nt=1.5 C>S PSH,ACK seq=1 len=5`).rows[0]?.weirds[0];
    expect(w).toMatchObject({ name: 'data_after_reset', frame: 5, source: 'TCP' });
  });
});

/** A connection record with the given weirds in one row (only what weird.log reads). */
function record(orig: string, weirdsAt: [string, number][]): ConnectionRecord {
  const z = {
    ts: '1700000000.000000000',
    uid: `C${orig.replace(/\./g, '')}`,
    orig_h: orig,
    orig_p: 40000,
    resp_h: '10.0.0.9',
    resp_p: 80,
    weirds: weirdsAt.map(([name, t]) => ({ ts: `${1700000000 + t}.000000000`, frame: 1, name, addl: '', source: 'TCP' })),
  };
  return { zeekRows: [z] } as unknown as ConnectionRecord;
}

describe('weird.log: weird.zeek do_weird()', () => {
  test('IGNORE actions are not logged (spontaneous_FIN, spontaneous_RST, FIN_after_reset, unsolicited_SYN_response)', () => {
    const log = new ZeekWeirdLog();
    expect(log.rows(record('10.0.0.1', [['spontaneous_FIN', 0], ['spontaneous_RST', 1], ['FIN_after_reset', 2], ['unsolicited_SYN_response', 3]]))).toBe('');
  });

  test('ACTION_LOG: logged, then the same name on the same four-tuple is ignored for 10 minutes', () => {
    const log = new ZeekWeirdLog();
    const rows = log.rows(record('10.0.0.1', [['data_after_reset', 0], ['data_after_reset', 599], ['data_after_reset', 601]])).split('\n');
    expect(rows.map((r) => r.split('\t').slice(0, 1)[0])).toEqual(['1700000000.000000', '1700000601.000000']);
    expect(rows[0]?.split('\t')).toEqual(['1700000000.000000', 'C10001', '10.0.0.1', '40000', '10.0.0.9', '80', 'data_after_reset', '-', 'F', 'zeek', 'TCP']);
  });

  test('LOG_PER_ORIG: once per originator host across connections (SYN_with_data)', () => {
    const log = new ZeekWeirdLog();
    expect(log.rows(record('10.0.0.1', [['SYN_with_data', 0]])).split('\n')).toHaveLength(1);
    expect(log.rows(record('10.0.0.1', [['SYN_with_data', 700]]))).toBe('');
    expect(log.rows(record('10.0.0.2', [['SYN_with_data', 700]])).split('\n')).toHaveLength(1);
  });

  test('NOTICE_PER_ORIG sets notice T (SYN_after_partial)', () => {
    const log = new ZeekWeirdLog();
    expect(log.rows(record('10.0.0.1', [['SYN_after_partial', 0]])).split('\t')[8]).toBe('T');
  });

  test('bad_TCP_checksum is never put in weird_ignore but is LOG_PER_ORIG', () => {
    const log = new ZeekWeirdLog();
    expect(log.rows(record('10.0.0.1', [['bad_TCP_checksum', 0], ['bad_TCP_checksum', 1]])).split('\n')).toHaveLength(1);
  });
});

describe.skipIf(!HAVE_CORPUS)('weird.log on the corpus', () => {
  // btest core/reporter-limit-reached-weird (zeek -r http/get.pcap): its weird.log holds only the
  // three weirds its script raises, so Zeek's TCP analysis raised none on this connection.
  test('zeek/http/get.pcap: no TCP weird', async () => {
    const r = await analyze(corpusPath('zeek/http/get.pcap'), 'get.pcap');
    const log = new ZeekWeirdLog();
    expect(r.connections.map((c) => log.rows(c)).join('')).toBe('');
    const baseline = oracleText('zeek/http/get.pcap', 'zeek.core.reporter-limit-reached-weird.weird.log') ?? '';
    expect(baseline.split('\n').filter((l) => /^C\w+\t/.test(l)).map((l) => l.split('\t')[1])).toEqual(['test_weird_1', 'test_weird_2', 'test_weird_3']);
  });
});

describe('the catalogue of weirds (src/tcp/zeek/weirds.ts)', () => {
  test('every weird the model can raise was raised above by packets, under its assertion', () => {
    const reachable = ZEEK_WEIRD_NAMES.filter((n) => (ZEEK_WEIRDS[n] as { unreachable?: string }).unreachable === undefined);
    expect(reachable.filter((n) => !RAISED.has(n))).toEqual([]);
  });
});
