/**
 * TCP options (RFC 9293 §3.2): MSS, window scale and timestamps (RFC 7323), SACK-permitted
 * and SACK blocks (RFC 2018), TCP Fast Open cookies (RFC 7413 §4.1.1, also in the experimental
 * kind 254 with ExID 0xF989 that Linux sent before kind 34 was assigned). Unknown kinds are
 * skipped by their length.
 */
import { u16, u32, u8 } from './bytes.js';
import { TcpOption } from './fields.js';
import type { DecodedPacket } from './packet.js';

/** Parses options in [off, end); returns false (with an issue) when one is malformed. */
export function decodeTcpOptions(b: Uint8Array, off: number, end: number, p: DecodedPacket): boolean {
  let o = off;
  while (o < end) {
    const kind = u8(b, o);
    if (kind === TcpOption.EOL) return true;
    if (kind === TcpOption.NOP) {
      o++;
      continue;
    }
    if (end - o < 2) return p.malformed('tcp-options', 'optionLength', -1, o);
    const len = u8(b, o + 1);
    if (len < 2 || o + len > end) return p.malformed('tcp-options', `option ${kind} length`, len, o);
    switch (kind) {
      case TcpOption.MSS:
        if (len !== TcpOption.MSS_LEN) return p.malformed('tcp-options', 'mss length', len, o);
        p.mss = u16(b, o + 2);
        break;
      case TcpOption.WSCALE:
        if (len !== TcpOption.WSCALE_LEN) return p.malformed('tcp-options', 'wscale length', len, o);
        p.wscale = u8(b, o + 2);
        break;
      case TcpOption.SACK_PERMITTED:
        if (len !== TcpOption.SACK_PERMITTED_LEN) return p.malformed('tcp-options', 'sackPermitted length', len, o);
        p.sackPermitted = true;
        break;
      case TcpOption.SACK: {
        const blocks = (len - 2) / TcpOption.SACK_BLOCK_LEN;
        if (!Number.isInteger(blocks) || blocks < 1 || blocks > TcpOption.MAX_SACK_BLOCKS) {
          return p.malformed('tcp-options', 'sack length', len, o);
        }
        for (let i = 0; i < blocks; i++) {
          p.sack[2 * i] = u32(b, o + 2 + i * TcpOption.SACK_BLOCK_LEN);
          p.sack[2 * i + 1] = u32(b, o + 6 + i * TcpOption.SACK_BLOCK_LEN);
        }
        p.sackCount = blocks;
        break;
      }
      case TcpOption.TIMESTAMP:
        if (len !== TcpOption.TIMESTAMP_LEN) return p.malformed('tcp-options', 'timestamp length', len, o);
        p.hasTimestamp = true;
        p.tsVal = u32(b, o + 2);
        p.tsEcr = u32(b, o + 6);
        break;
      case TcpOption.TFO:
        p.tfoCookieLen = len - 2;
        break;
      case TcpOption.EXPERIMENTAL:
        if (len >= 4 && u16(b, o + 2) === TcpOption.TFO_EXID) p.tfoCookieLen = len - 4;
        break;
      default:
        break;
    }
    o += len;
  }
  return true;
}
