/**
 * The layer walk on real packets. Each byte array is the `tcpdump -XX -nn` dump of a frame
 * from a capture written by another project (named above it), kept with tcpdump's own line so
 * the expected values can be read off by eye.
 */
import { describe, expect, test } from 'vitest';
import { decodeInto } from '../../src/decode/decoder.js';
import { LinkType, TcpFlag } from '../../src/decode/fields.js';
import { describeIssue, formatDst, formatSrc } from '../../src/decode/format.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { bytesFromTcpdump, frameOf } from '../support/tcpdump-hex.js';

function decode(dump: string, linkType: number, opts: { origLen?: number; littleEndian?: boolean } = {}): DecodedPacket {
  const p = new DecodedPacket();
  decodeInto(frameOf(bytesFromTcpdump(dump), linkType, opts), p);
  return p;
}

describe('Ethernet / IPv4 / TCP', () => {
  // zeek/http/get.pcap frame 1
  const GET_SYN = `
21:42:06.869344 IP 141.142.228.5.59856 > 192.150.187.43.80: Flags [S], seq 4263588410, win 65535, options [mss 1460,nop,wscale 4,nop,nop,TS val 374005024 ecr 0,sackOK,eol], length 0
	0x0000:  0010 db88 d2ef c8bc c896 d2a0 0800 4500  ..............E.
	0x0010:  0040 df8e 4000 4006 6dd3 8d8e e405 c096  .@..@.@.m.......
	0x0020:  bb2b e9d0 0050 fe21 323a 0000 0000 b002  .+...P.!2:......
	0x0030:  ffff 3bc0 0000 0204 05b4 0103 0304 0101  ..;.............
	0x0040:  080a 164a dd20 0000 0000 0402 0000       ...J..........`;

  test('every field of a SYN with MSS, window scale, timestamps and SACK-permitted', () => {
    const p = decode(GET_SYN, LinkType.ETHERNET);
    expect(p.issueKind).toBeNull();
    expect([formatSrc(p), formatDst(p), p.ipProto, p.ttl]).toEqual(['141.142.228.5', '192.150.187.43', 6, 64]);
    expect([p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.payloadLen]).toEqual([59856, 80, 4263588410, 0, TcpFlag.SYN, 65535, 0]);
    expect([p.tcpHeaderLen, p.mss, p.wscale, p.sackPermitted, p.hasTimestamp, p.tsVal, p.tsEcr]).toEqual([44, 1460, 4, true, true, 374005024, 0]);
  });

  test('a snap length that cuts into the payload is no issue: TCP and the payload length survive', () => {
    const bytes = bytesFromTcpdump(GET_SYN);
    const p = new DecodedPacket();
    // Pretend the IP packet carried 100 payload bytes the snap length dropped.
    const grown = Buffer.from(bytes);
    grown.writeUInt16BE(0x0040 + 100, 16);
    decodeInto(frameOf(grown, LinkType.ETHERNET, { origLen: grown.length + 100 }), p);
    expect(p.hasTcp).toBe(true);
    expect(p.payloadLen).toBe(100);
    expect(p.payloadCaptured).toBe(0);
    expect(p.issueKind).toBeNull();
  });

  test('Ethernet padding is trimmed by the IP total length', () => {
    const padded = Buffer.concat([bytesFromTcpdump(GET_SYN), Buffer.alloc(6)]);
    const p = new DecodedPacket();
    decodeInto(frameOf(padded, LinkType.ETHERNET), p);
    expect(p.payloadLen).toBe(0);
  });

  test('IPv4 total length 0 (segmentation offload) uses the captured length', () => {
    const tso = Buffer.from(bytesFromTcpdump(GET_SYN));
    tso.writeUInt16BE(0, 16);
    const p = new DecodedPacket();
    decodeInto(frameOf(tso, LinkType.ETHERNET), p);
    expect([p.hasTcp, p.payloadLen, p.issueKind]).toEqual([true, 0, null]);
  });

  test('a total length beyond the bytes on the wire is kept to them, with an issue', () => {
    const long = Buffer.from(bytesFromTcpdump(GET_SYN));
    long.writeUInt16BE(0x0040 + 8, 16);
    const p = new DecodedPacket();
    decodeInto(frameOf(long, LinkType.ETHERNET), p);
    expect([p.hasTcp, p.payloadLen]).toEqual([true, 0]);
    expect(describeIssue(p)).toEqual({
      kind: 'truncated',
      layer: 'ipv4',
      what: 'IPv4 packet',
      offset: 14,
      required: 72,
      available: 64,
      limitedBy: 'frame-length',
      detail: 'IPv4 packet at byte 14 of the frame needs 72 bytes; the bytes on the wire leave 64',
    });
  });

  test('a later IPv4 fragment carries no TCP header', () => {
    const frag = Buffer.from(bytesFromTcpdump(GET_SYN));
    frag.writeUInt16BE(0x0010, 20); // fragment offset 16 × 8 bytes
    const p = new DecodedPacket();
    expect(decodeInto(frameOf(frag, LinkType.ETHERNET), p)).toBe(false);
    expect([p.ipVersion, p.fragment, p.hasTcp, p.issueKind]).toEqual([4, 2, false, null]);
  });

  test('data offset below 5 is malformed; the fixed fields stay decoded', () => {
    const bad = Buffer.from(bytesFromTcpdump(GET_SYN));
    bad[14 + 20 + 12] = 0x40;
    const p = new DecodedPacket();
    decodeInto(frameOf(bad, LinkType.ETHERNET), p);
    expect([p.srcPort, p.dstPort]).toEqual([59856, 80]);
    expect(describeIssue(p)).toMatchObject({ kind: 'malformed', layer: 'tcp', field: 'dataOffset', value: 4, offset: 34 });
    expect(describeIssue(p)?.detail).toBe('dataOffset 4 at byte 34 of the frame is impossible');
  });

  test('an option whose length runs past the header is malformed', () => {
    const bad = Buffer.from(bytesFromTcpdump(GET_SYN));
    bad[14 + 20 + 20 + 1] = 40; // MSS option claims 40 bytes
    const p = new DecodedPacket();
    decodeInto(frameOf(bad, LinkType.ETHERNET), p);
    expect(p.hasTcp).toBe(true);
    expect(describeIssue(p)).toMatchObject({ kind: 'malformed', layer: 'tcp-options' });
  });
});

describe('802.1Q, MPLS and PPPoE between Ethernet and IP', () => {
  test('802.1Q tag, and a SACK block', () => {
    // suricata-verify/bug-4376/syn_retransmit_with_ts.pcap frame 25
    const p = decode(
      `
01:40:31.000527 00:50:56:01:12:70 > 00:50:56:01:12:76, ethertype 802.1Q (0x8100), length 86: vlan 3136, p 0, ethertype IPv4 (0x0800), 10.38.251.146.33372 > 10.38.251.147.80: Flags [.], ack 11585, win 432, options [nop,nop,TS val 87113581 ecr 87063394,nop,nop,sack 1 {13033:14481}], length 0
	0x0000:  0050 5601 1276 0050 5601 1270 8100 0c40  .PV..v.PV..p...@
	0x0010:  0800 4500 0040 d746 4000 4006 57ff 0a26  ..E..@.F@.@.W..&
	0x0020:  fb92 0a26 fb93 825c 0050 9c9d e9d0 5a35  ...&...\\.P....Z5
	0x0030:  d79a b010 01b0 becf 0000 0101 080a 0531  ...............1
	0x0040:  3f6d 0530 7b62 0101 050a 5a35 dd42 5a35  ?m.0{b....Z5.BZ5
	0x0050:  e2ea 4b28 b538                           ..K(.8`,
      LinkType.ETHERNET,
    );
    expect([p.vlanCount, p.vlanOuter, formatSrc(p), p.srcPort, p.flags, p.window]).toEqual([1, 3136, '10.38.251.146', 33372, TcpFlag.ACK, 432]);
    expect([p.sackCount, p.sack[0], p.sack[1], p.tsVal, p.tsEcr]).toEqual([1, 0x5a35dd42, 0x5a35e2ea, 87113581, 87063394]);
  });

  test('two VLAN tags, a PPPoE session and PPP', () => {
    // pcapplusplus/one_http_stream_rst.pcap frame 1
    const p = decode(
      `
13:49:52.465481 PPPoE  [ses 0xdde5] IP 10.3.65.35.5068 > 185.8.212.46.80: Flags [S], seq 2631065158, win 8192, options [mss 1440,nop,wscale 8,nop,nop,sackOK], length 0
	0x0000:  442b 03cd 5200 6cf0 49d4 fea8 8100 03ab  D+..R.l.I.......
	0x0010:  8100 02e8 8864 1100 dde5 0036 0021 4500  .....d.....6.!E.
	0x0020:  0034 3626 4000 8006 ec40 0a03 4123 b908  .46&@....@..A#..
	0x0030:  d42e 13cc 0050 9cd2 de46 0000 0000 8002  .....P...F......
	0x0040:  2000 e791 0000 0204 05a0 0103 0308 0101  ................
	0x0050:  0402                                     ..`,
      LinkType.ETHERNET,
    );
    expect([p.vlanCount, p.vlanOuter, p.vlanInner]).toEqual([2, 0x3ab, 0x2e8]);
    expect([formatSrc(p), formatDst(p), p.srcPort, p.seq, p.mss, p.wscale, p.sackPermitted]).toEqual(['10.3.65.35', '185.8.212.46', 5068, 2631065158, 1440, 8, true]);
  });

  test('an MPLS label stack', () => {
    // zeek/mixed-vlan-mpls.pcap frame 1
    const p = decode(
      `
18:49:06.874907 MPLS (label 29, tc 6, [S], ttl 255) IP 10.1.2.1.11001 > 10.34.0.1.23: Flags [S], seq 2553417723, win 4128, options [mss 536], length 0
	0x0000:  0030 96e6 fc39 0030 9605 2838 8847 0001  .0...9.0..(8.G..
	0x0010:  ddff 45c0 002c 0000 0000 ff06 a4e7 0a01  ..E..,..........
	0x0020:  0201 0a22 0001 2af9 0017 9832 0ffb 0000  ..."..*....2....
	0x0030:  0000 6002 1020 a240 0000 0204 0218       ..\`....@......`,
      LinkType.ETHERNET,
    );
    expect([p.mplsLabels, formatSrc(p), p.dstPort, p.seq, p.window, p.mss]).toEqual([1, '10.1.2.1', 23, 2553417723, 4128, 536]);
  });
});

describe('other link types', () => {
  test('Linux cooked v2 (SLL2)', () => {
    // pcapplusplus/sll2.pcap frame 2
    const p = decode(
      `
11:05:43.193745 ?     In  IP 116.63.66.108.443 > 7.249.151.114.57292: Flags [F.], seq 31, ack 1, win 63, length 0
	0x0000:  0800 0000 0000 0014 0001 0006 f03f 958f  .............?..
	0x0010:  8263 0000 4500 0028 872d 4000 2c06 718c  .c..E..(.-@.,.q.
	0x0020:  743f 426c 07f9 9772 01bb dfcc aace b5e9  t?Bl...r........
	0x0030:  a7ab 9fbf 5011 003f cfd2 0000            ....P..?....`,
      LinkType.LINUX_SLL2,
    );
    expect([formatSrc(p), p.srcPort, p.dstPort, p.flags, p.window, p.payloadLen]).toEqual(['116.63.66.108', 443, 57292, TcpFlag.FIN | TcpFlag.ACK, 63, 0]);
  });

  test('BSD loopback (NULL) with IPv6, address family in host order', () => {
    // pcapplusplus/null_loopback.pcap frame 1 (payload lines after the TCP header left out)
    const p = decode(
      `
15:07:37.375051 IP6 ::1.49888 > ::1.81: Flags [P.], seq 1482536582:1482536985, ack 1634461540, win 9175, options [nop,nop,TS val 2936704510 ecr 2936704510], length 403
	0x0000:  1e00 0000 6000 0000 01b3 0640 0000 0000  ....\`......@....
	0x0010:  0000 0000 0000 0000 0000 0001 0000 0000  ................
	0x0020:  0000 0000 0000 0000 0000 0001 c2e0 0051  ...............Q
	0x0030:  585d b686 616b e764 8018 23d7 01bb 0000  X]..ak.d..#.....
	0x0040:  0101 080a af0a 8dfe af0a 8dfe 0a20 2020  ................`,
      LinkType.NULL,
      { origLen: 0x01b3 + 40 + 4 },
    );
    expect([p.ipVersion, formatSrc(p), formatDst(p), p.srcPort, p.dstPort, p.seq, p.ack, p.payloadLen]).toEqual([6, '::1', '::1', 49888, 81, 1482536582, 1634461540, 403]);
    expect(p.issueKind).toBeNull();
  });

  test('IPv6 with a destination options header, on Ethernet', () => {
    // zeek/ipv6-http-atomic-frag.pcap frame 4
    const p = decode(
      `
16:44:12.497486 IP6 2001:db8:1::2 > 2001:db8:1::1: DSTOPT 36951 > 80: Flags [S], seq 3810442574, win 8192, length 0
	0x0000:  aa00 0400 0a04 0010 1895 316a 86dd 6000  ..........1j..\`.
	0x0010:  0000 001c 3c40 2001 0db8 0001 0000 0000  ....<@..........
	0x0020:  0000 0000 0002 2001 0db8 0001 0000 0000  ................
	0x0030:  0000 0000 0001 0600 0104 0000 0000 9057  ...............W
	0x0040:  0050 e31e bd4e 0000 0000 5002 2000 0357  .P...N....P. ..W
	0x0050:  0000                                     ..`,
      LinkType.ETHERNET,
    );
    expect([formatSrc(p), formatDst(p), p.ipHeaderLen, p.ipProto, p.srcPort, p.dstPort, p.seq, p.flags]).toEqual([
      '2001:db8:1::2',
      '2001:db8:1::1',
      48,
      6,
      36951,
      80,
      3810442574,
      TcpFlag.SYN,
    ]);
  });

  test('Linux NFLOG: the packet is TLV 9, lengths in the file byte order', () => {
    // zeek/nflog-http.pcap frame 1 (a little-endian file)
    const p = decode(
      `
12:59:39.148133 IP 10.0.2.15.49762 > 93.184.216.34.80: Flags [S], seq 1060289233, win 29200, options [mss 1460,sackOK,TS val 2576958 ecr 0,nop,wscale 7], length 0
	0x0000:  0200 002a 0800 0100 0000 0300 0500 0a00  ...*............
	0x0010:  0000 0000 0800 0500 0000 0002 0800 0b00  ................
	0x0020:  0000 0000 0800 0e00 0000 0000 4000 0900  ............@...
	0x0030:  4500 003c e8ef 4000 4006 0fe3 0a00 020f  E..<..@.@.......
	0x0040:  5db8 d822 c262 0050 3f32 bad1 0000 0000  ]..".b.P?2......
	0x0050:  a002 7210 4218 0000 0204 05b4 0402 080a  ..r.B...........
	0x0060:  0027 523e 0000 0000 0103 0307            .'R>........`,
      LinkType.NFLOG,
      { littleEndian: true },
    );
    expect([formatSrc(p), formatDst(p), p.srcPort, p.seq, p.mss, p.wscale]).toEqual(['10.0.2.15', '93.184.216.34', 49762, 1060289233, 1460, 7]);
  });

  test('IP over InfiniBand: 44-byte link header, ECN flags', () => {
    // tcpdump/ipoib.pcap frame 9
    const p = decode(
      `
16:32:45.050083 IP 192.168.56.10.34170 > 192.168.56.24.22: Flags [SEW], seq 798232822, win 32983, options [mss 65480,sackOK,TS val 62202209 ecr 0,nop,wscale 8], length 0
	0x0000:  0000 0000 0000 0000 0000 0000 0000 0000  ................
	0x0010:  3020 0003 8000 0550 fe80 0000 0000 0000  0......P........
	0x0020:  0010 e000 664a b451 0800 0000 4500 003c  ....fJ.Q....E..<
	0x0030:  0044 4000 4006 4905 c0a8 380a c0a8 3818  .D@.@.I...8...8.
	0x0040:  857a 0016 2f94 10f6 0000 0000 a0c2 80d7  .z../...........
	0x0050:  efae 0000 0204 ffc8 0402 080a 03b5 2161  ..............!a
	0x0060:  0000 0000 0103 0308                      ........`,
      LinkType.IPOIB,
    );
    expect([formatSrc(p), p.dstPort, p.flags, p.mss, p.wscale]).toEqual(['192.168.56.10', 22, TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR, 65480, 8]);
  });

  test('a TCP header cut by the snap length is a truncated issue, not an exception', () => {
    // tcpdump/tcp_header_heapoverflow.pcap frame 1 (a fuzzed file: snap length 46, original length 262144)
    const p = decode(
      `
05:27:12.999999 IP 48.48.48.48.12336 > 48.48.48.48.12336:  [|tcp]
	0x0000:  3030 3030 3030 3030 3030 3030 0800 4530  000000000000..E0
	0x0010:  3030 3030 0000 3006 3030 3030 3030 3030  0000..0.00000000
	0x0020:  3030 3030 3030 3030 3030 3030 3030       00000000000000`,
      LinkType.ETHERNET,
      { origLen: 262144 },
    );
    expect(p.hasTcp).toBe(false);
    expect(describeIssue(p)).toMatchObject({ kind: 'truncated', layer: 'tcp' });
  });

  test('unsupported link types decode nothing and report nothing', () => {
    const p = new DecodedPacket();
    expect(decodeInto(frameOf(Buffer.alloc(40), 253), p)).toBe(false);
    expect([p.linkSupported, p.ipVersion, p.issueKind]).toEqual([false, 0, null]);
  });
});
