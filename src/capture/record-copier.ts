/**
 * Copies a capture's records byte for byte, keeping every file-level record and only the
 * packet records asked for: what `tcplens slice` writes. Nothing is re-encoded, so the output
 * has the input's format, byte order, time precision, link types, snap length, interfaces,
 * options and comments.
 *
 *   pcap    file header (24 bytes) kept; record = header(16) + caplen (draft-ietf-opsawg-pcap §5)
 *   pcapng  every block kept (SHB, IDB, NRB, ISB, DSB, custom…) but the packet blocks (EPB 6,
 *           SPB 3, the obsolete PB 2), which are kept when asked for (draft-ietf-opsawg-pcapng §3.1)
 *   snoop   file header (16 bytes) kept; record length at +8 (RFC 1761)
 *
 * It walks the same decompressed stream the reader parses (FrameSink.onData) and copies a
 * record only once the reader took it whole (`parsedTo`), so a record the reader rejected as
 * damaged is never written. Packet records are chosen by their stream offset, which the reader
 * gives each frame (Frame.fileOffset): `want(offset)` before the chunk that ends the record is
 * handed on. Memory: one record's leftover, as in the readers.
 */
import { sniffFormat, type SniffedFormat } from './open-capture.js';
import { carryOver, consumedBefore } from './carry-over.js';

const PCAP_FILE_HEADER_LEN = 24;
const PCAP_RECORD_HEADER_LEN = 16;
const PCAP_CAPLEN_AT = 8;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const PCAPNG_PACKET_BLOCKS: readonly number[] = [0x00000002, 0x00000003, 0x00000006];
const SNOOP_FILE_HEADER_LEN = 16;
const SNOOP_RECORD_HEADER_LEN = 24;
const SNOOP_RECLEN_AT = 8;

export class RecordCopier {
  /** Bytes not yet walked: buf[pos..] is stream offset base + pos onwards. */
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private base = 0;
  private headerDone = false;
  private littleEndian = true;
  /** Stream offsets of the wanted packet records not yet reached, ascending. */
  private wanted: number[] = [];
  private wantedHead = 0;
  /** Packet records written. */
  packets = 0;
  /** Bytes written. */
  bytes = 0;

  /** From the stream's first bytes (sniffFormat; open-capture.ts hands on at least 8 at first); null or gzip copies nothing. */
  private format: SniffedFormat | undefined = undefined;

  constructor(private readonly write: (bytes: Buffer) => void) {}

  /** Keeps the packet record that starts at this stream offset (offsets come in ascending order). */
  want(offset: number): void {
    this.wanted.push(offset);
  }

  /** The next chunk of the stream; records ending at or before `parsedTo` are walked. */
  push(chunk: Buffer, parsedTo: number): void {
    this.format ??= sniffFormat(chunk);
    this.base += consumedBefore(this.buf, this.pos);
    this.buf = carryOver(this.buf, this.pos, chunk);
    this.pos = 0;
    const limit = Math.min(this.buf.length, parsedTo - this.base);
    const out: Buffer[] = [];
    for (;;) {
      const len = this.recordLength(limit);
      if (len <= 0 || this.pos + len > limit) break;
      const at = this.pos;
      if (this.headerDone === false) {
        this.headerDone = true;
        out.push(this.buf.subarray(at, at + len));
      } else if (!this.isPacket(at)) {
        out.push(this.buf.subarray(at, at + len));
      } else if (this.isWanted(this.base + at)) {
        out.push(this.buf.subarray(at, at + len));
        this.packets++;
      }
      this.pos = at + len;
    }
    if (out.length > 0) {
      // One copy per chunk: the caller's stream may hold it after the input buffer is gone.
      const bytes = Buffer.concat(out);
      this.bytes += bytes.length;
      this.write(bytes);
    }
  }

  /** Length of the record at pos, or -1 when its length is not within the first `limit` bytes yet. */
  private recordLength(limit: number): number {
    const buf = this.buf;
    const at = this.pos;
    const left = limit - at;
    switch (this.format) {
      case 'pcap':
      case 'pcap-nsec':
        if (!this.headerDone) {
          if (left < 4) return -1;
          // The magic's byte order is the file's: a1b2c3d4 / a1b23c4d read little-endian means LE.
          const le = buf.readUInt32LE(at);
          this.littleEndian = le === 0xa1b2c3d4 || le === 0xa1b23c4d;
          return PCAP_FILE_HEADER_LEN;
        }
        if (left < PCAP_RECORD_HEADER_LEN) return -1;
        return PCAP_RECORD_HEADER_LEN + (this.littleEndian ? buf.readUInt32LE(at + PCAP_CAPLEN_AT) : buf.readUInt32BE(at + PCAP_CAPLEN_AT));
      case 'pcapng': {
        if (left < 12) return -1;
        // Each section header sets the byte order of its section (its byte-order magic at +8).
        if (buf.readUInt32LE(at) === PCAPNG_SHB) this.littleEndian = buf.readUInt32LE(at + 8) === PCAPNG_BYTE_ORDER_MAGIC;
        this.headerDone = true;
        return this.littleEndian ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at + 4);
      }
      case 'snoop':
        if (!this.headerDone) return SNOOP_FILE_HEADER_LEN;
        if (left < SNOOP_RECORD_HEADER_LEN) return -1;
        return buf.readUInt32BE(at + SNOOP_RECLEN_AT);
      default:
        return -1;
    }
  }

  private isPacket(at: number): boolean {
    if (this.format !== 'pcapng') return true;
    const type = this.littleEndian ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
    return PCAPNG_PACKET_BLOCKS.includes(type);
  }

  private isWanted(offset: number): boolean {
    const w = this.wanted;
    while (this.wantedHead < w.length && (w[this.wantedHead] as number) < offset) this.wantedHead++;
    if (this.wantedHead >= w.length || w[this.wantedHead] !== offset) return false;
    this.wantedHead++;
    if (this.wantedHead === w.length) {
      w.length = 0;
      this.wantedHead = 0;
    }
    return true;
  }
}
