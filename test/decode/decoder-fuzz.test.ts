/**
 * Decoders against arbitrary bytes (etherparse's proptests): properties a wrong decoder breaks,
 * not only "does not throw".
 * - A reused packet decodes exactly as a fresh one (no field left over from the last frame).
 * - Fewer captured bytes never change a field already decoded, and never turn a clean decode
 *   into a malformed one: cutting a frame can only make it truncated.
 * - Every decoded value is in range for its field; a truncated issue says it needed more bytes
 *   than it had.
 * - A well-formed IPv4 or IPv6 header with TCP inside always reaches TCP, with the ports,
 *   sequence numbers and flags that were written.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeInto } from '../../src/decode/decoder.js';
import { describeIssue } from '../../src/decode/format.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { frameOf } from '../support/tcpdump-hex.js';

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 242, 276];

/** The fields a reader of a DecodedPacket sees, as a plain object. */
function fields(p: DecodedPacket): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[k] = v instanceof Uint8Array || v instanceof Uint32Array ? Array.from(v) : v;
  // Sack slots past sackCount and addresses of the other IP version are not read either.
  out['sack'] = (out['sack'] as number[]).slice(0, 2 * p.sackCount);
  // An issue is read through describeIssue (fields a kind does not use may hold anything).
  for (const k of Object.keys(out)) if (k.startsWith('issue')) delete out[k];
  out['issue'] = describeIssue(p);
  if (p.ipVersion !== 6) {
    delete out['src6'];
    delete out['dst6'];
  }
  return out;
}

const anyFrame = fc.record({
  lt: fc.constantFrom(...LINK_TYPES),
  bytes: fc.uint8Array({ maxLength: 200 }),
  extra: fc.integer({ min: 0, max: 400 }),
  le: fc.boolean(),
});

test('a reused packet decodes any bytes exactly as a fresh one, after any other frame', () => {
  const reused = new DecodedPacket();
  fc.assert(
    fc.property(anyFrame, anyFrame, (before, f) => {
      decodeInto(frameOf(before.bytes, before.lt, { origLen: before.bytes.length + before.extra, littleEndian: before.le }), reused);
      const hasTcp = decodeInto(frameOf(f.bytes, f.lt, { origLen: f.bytes.length + f.extra, littleEndian: f.le }), reused);
      const fresh = new DecodedPacket();
      expect(decodeInto(frameOf(f.bytes, f.lt, { origLen: f.bytes.length + f.extra, littleEndian: f.le }), fresh)).toBe(hasTcp);
      expect(hasTcp).toBe(reused.hasTcp);
      expect(fields(reused)).toEqual(fields(fresh));
    }),
    { numRuns: 3000 },
  );
});

test('decoded values are in range, and a truncated issue needed more bytes than it had', () => {
  const p = new DecodedPacket();
  fc.assert(
    fc.property(anyFrame, (f) => {
      decodeInto(frameOf(f.bytes, f.lt, { origLen: f.bytes.length + f.extra, littleEndian: f.le }), p);
      if (p.hasTcp) {
        expect([4, 6]).toContain(p.ipVersion);
        for (const port of [p.srcPort, p.dstPort]) expect(port >= 0 && port <= 65535).toBe(true);
        for (const n of [p.seq, p.ack]) expect(n >= 0 && n <= 0xffffffff && Number.isInteger(n)).toBe(true);
        expect(p.tcpHeaderLen >= 20 && p.tcpHeaderLen <= 60 && p.tcpHeaderLen % 4 === 0).toBe(true);
        expect(p.flags >= 0 && p.flags <= 0xfff).toBe(true);
        expect(p.payloadLen).toBeGreaterThanOrEqual(0);
        expect(p.payloadCaptured).toBeGreaterThanOrEqual(0);
        expect(p.payloadCaptured).toBeLessThanOrEqual(p.payloadLen);
        expect(p.tcpOffset + p.tcpHeaderLen + p.payloadCaptured).toBeLessThanOrEqual(f.bytes.length);
      }
      const issue = describeIssue(p);
      expect(issue === null).toBe(p.issueKind === null);
      if (p.issueKind === 'truncated') expect(p.issueRequired).toBeGreaterThan(p.issueAvailable);
      if (issue !== null) expect(issue.kind).toBe(p.issueKind);
    }),
    { numRuns: 5000 },
  );
});

test('fewer captured bytes never change a field already decoded, and never make a clean frame malformed', () => {
  const full = new DecodedPacket();
  const cut = new DecodedPacket();
  fc.assert(
    fc.property(ipTcpFrame(), fc.nat(), (frame, at) => {
      const bytes = Uint8Array.from(frame.bytes);
      decodeInto(frameOf(bytes, frame.lt), full);
      const n = at % (bytes.length + 1);
      decodeInto(frameOf(bytes.subarray(0, n), frame.lt, { origLen: bytes.length }), cut);
      if (full.issueKind === null) expect(cut.issueKind === null || cut.issueKind === 'truncated').toBe(true);
      if (cut.ipVersion !== 0) {
        expect(cut.ipVersion).toBe(full.ipVersion);
        const addresses = (q: DecodedPacket): unknown[] => (q.ipVersion === 4 ? [q.src4, q.dst4] : [Array.from(q.src6), Array.from(q.dst6)]);
        expect([...addresses(cut), cut.ipProto]).toEqual([...addresses(full), full.ipProto]);
      }
      if (cut.hasTcp) {
        expect(full.hasTcp).toBe(true);
        expect([cut.srcPort, cut.dstPort, cut.seq, cut.ack, cut.flags, cut.window, cut.payloadLen]).toEqual([full.srcPort, full.dstPort, full.seq, full.ack, full.flags, full.window, full.payloadLen]);
      }
    }),
    { numRuns: 3000 },
  );
});

/** A raw-IP frame (LINKTYPE 101) holding a well-formed IPv4 or IPv6 header, a TCP header and payload. */
function ipTcpFrame() {
  return fc
    .record({
      v6: fc.boolean(),
      sport: fc.integer({ min: 0, max: 65535 }),
      dport: fc.integer({ min: 0, max: 65535 }),
      seq: fc.integer({ min: 0, max: 0xffffffff }),
      ack: fc.integer({ min: 0, max: 0xffffffff }),
      flags: fc.integer({ min: 0, max: 0xff }),
      win: fc.integer({ min: 0, max: 65535 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    })
    .map((t) => {
      const tcp = Buffer.alloc(20 + t.payload.length);
      tcp.writeUInt16BE(t.sport, 0);
      tcp.writeUInt16BE(t.dport, 2);
      tcp.writeUInt32BE(t.seq, 4);
      tcp.writeUInt32BE(t.ack, 8);
      tcp[12] = 5 << 4;
      tcp[13] = t.flags;
      tcp.writeUInt16BE(t.win, 14);
      Buffer.from(t.payload).copy(tcp, 20);
      let ip: Buffer;
      if (t.v6) {
        ip = Buffer.alloc(40);
        ip[0] = 0x60;
        ip.writeUInt16BE(tcp.length, 4);
        ip[6] = 6;
        ip[7] = 64;
        ip[8] = 0x20;
        ip[23] = 1;
        ip[24] = 0x20;
        ip[39] = 2;
      } else {
        ip = Buffer.alloc(20);
        ip[0] = 0x45;
        ip.writeUInt16BE(20 + tcp.length, 2);
        ip[8] = 64;
        ip[9] = 6;
        ip.writeUInt32BE(0xc0000201, 12);
        ip.writeUInt32BE(0xc0000202, 16);
      }
      return { ...t, lt: 101, bytes: Buffer.concat([ip, tcp]) };
    });
}

test('a well-formed IPv4 or IPv6 header with TCP inside always reaches TCP, with the fields written', () => {
  const p = new DecodedPacket();
  fc.assert(
    fc.property(ipTcpFrame(), (f) => {
      expect(decodeInto(frameOf(f.bytes, f.lt), p)).toBe(true);
      expect(p.issueKind).toBeNull();
      expect(p.ipVersion).toBe(f.v6 ? 6 : 4);
      expect([p.srcPort, p.dstPort, p.seq, p.ack, p.flags, p.window, p.payloadLen, p.payloadCaptured]).toEqual([f.sport, f.dport, f.seq, f.ack, f.flags, f.win, f.payload.length, f.payload.length]);
    }),
    { numRuns: 2000 },
  );
});
