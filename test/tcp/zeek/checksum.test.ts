/**
 * Zeek's TCP checksum check (src/tcp/zeek/checksum.ts, after TCP_Endpoint.cc ValidChecksum),
 * on a real frame, on frames our writer checksums (src/craft/checksum.ts, a separate
 * implementation) of every length parity, and with each frame placed at every offset of a
 * larger buffer, as the reader hands frames on inside its blocks.
 */
import { describe, expect, test } from 'vitest';
import { buildTcpFrame } from '../../../src/craft/packet-builder.js';
import { decodeInto } from '../../../src/decode/decoder.js';
import { LinkType, TcpFlag } from '../../../src/decode/fields.js';
import { DecodedPacket } from '../../../src/decode/packet.js';
import { tcpChecksumOk } from '../../../src/tcp/zeek/checksum.js';
import { bytesFromTcpdump, frameOf } from '../../support/tcpdump-hex.js';

/** The frame's bytes at `offset` inside a larger buffer, decoded there. */
function placed(frame: Uint8Array, offset: number): { bytes: Uint8Array; p: DecodedPacket } {
  const bytes = new Uint8Array(offset + frame.length + 5).fill(0xa5);
  bytes.set(frame, offset);
  const f = frameOf(bytes, LinkType.ETHERNET);
  f.start = offset;
  f.caplen = frame.length;
  f.origLen = frame.length;
  const p = new DecodedPacket();
  decodeInto(f, p);
  expect(p.hasTcp).toBe(true);
  return { bytes, p };
}

// zeek/http/get.pcap frame 1, checksum 0x3bc0 (tcpdump -vv: "cksum 0x3bc0 (correct)").
const GET_SYN = bytesFromTcpdump(`
	0x0000:  0010 db88 d2ef c8bc c896 d2a0 0800 4500
	0x0010:  0040 df8e 4000 4006 6dd3 8d8e e405 c096
	0x0020:  bb2b e9d0 0050 fe21 323a 0000 0000 b002
	0x0030:  ffff 3bc0 0000 0204 05b4 0103 0304 0101
	0x0040:  080a 164a dd20 0000 0000 0402 0000`);

describe('tcpChecksumOk', () => {
  test('a real SYN is right at every offset of a buffer, and wrong with any one byte of its segment changed', () => {
    for (let offset = 0; offset < 8; offset++) {
      const { bytes, p } = placed(GET_SYN, offset);
      expect(tcpChecksumOk(bytes, p), `offset ${offset}`).toBe(true);
      for (let i = p.tcpOffset; i < offset + GET_SYN.length; i++) {
        bytes[i] = (bytes[i] as number) ^ 0x01;
        expect(tcpChecksumOk(bytes, p), `offset ${offset}, byte ${i - offset} changed`).toBe(false);
        bytes[i] = (bytes[i] as number) ^ 0x01;
      }
    }
  });

  test('IPv4 and IPv6 segments of every payload length from 0 to 20 (odd ones end in half a word) at every offset', () => {
    for (const [src, dst] of [
      ['10.0.0.1', '192.0.2.80'],
      ['2001:db8::1', '2001:db8:ffff::80'],
    ] as const) {
      for (let len = 0; len <= 20; len++) {
        const frame = buildTcpFrame({ src, dst, sport: 40000, dport: 443, seq: 0xfffffff0, ack: 7, flags: TcpFlag.ACK | TcpFlag.PSH, payload: len });
        for (let offset = 0; offset < 8; offset++) {
          const { bytes, p } = placed(frame, offset);
          expect(tcpChecksumOk(bytes, p), `${src}, ${len} bytes at offset ${offset}`).toBe(true);
          const lastByte = offset + frame.length - 1;
          bytes[lastByte] = (bytes[lastByte] as number) ^ 0x80;
          expect(tcpChecksumOk(bytes, p), `${src}, ${len} bytes, last byte changed`).toBe(false);
        }
      }
    }
  });

  test('a segment whose payload was not captured whole cannot be checked: taken as right', () => {
    const frame = buildTcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, seq: 1, flags: TcpFlag.ACK, payload: 100 });
    const cut = frame.subarray(0, frame.length - 10);
    const f = frameOf(cut, LinkType.ETHERNET, { origLen: frame.length });
    const p = new DecodedPacket();
    decodeInto(f, p);
    expect(p.payloadCaptured).toBeLessThan(p.payloadLen);
    expect(tcpChecksumOk(cut, p)).toBe(true);
  });
});
