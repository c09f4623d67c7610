/** Random bytes never make a decoder throw, and always leave a valid status (etherparse's proptests). */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { decodeInto } from '../../src/decode/decoder.js';
import { describeIssue } from '../../src/decode/format.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { frameOf } from '../support/tcpdump-hex.js';

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 242, 276];

test('any bytes under any supported link type decode without throwing', () => {
  const p = new DecodedPacket();
  fc.assert(
    fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 400 }), fc.boolean(), (lt, bytes, extra, le) => {
      const hasTcp = decodeInto(frameOf(bytes, lt, { origLen: bytes.length + extra, littleEndian: le }), p);
      expect(hasTcp).toBe(p.hasTcp);
      if (p.hasTcp) {
        expect(p.payloadLen).toBeGreaterThanOrEqual(0);
        expect(p.payloadCaptured).toBeLessThanOrEqual(p.payloadLen);
      }
      const issue = describeIssue(p);
      if (issue !== null) expect(['truncated', 'malformed']).toContain(issue.kind);
    }),
    { numRuns: 5000 },
  );
});

test('IP-looking bytes (valid version nibbles) reach the deeper decoders', () => {
  const p = new DecodedPacket();
  fc.assert(
    fc.property(fc.constantFrom(0x45, 0x46, 0x4f, 0x60), fc.uint8Array({ minLength: 20, maxLength: 120 }), (first, rest) => {
      const bytes = Uint8Array.from([first, ...rest]);
      if (first !== 0x60) bytes[9] = 6; // protocol TCP
      else bytes[6] = 6;
      decodeInto(frameOf(bytes, 101), p);
      expect(p.ipVersion === 0 || p.ipVersion === 4 || p.ipVersion === 6).toBe(true);
    }),
    { numRuns: 3000 },
  );
});
