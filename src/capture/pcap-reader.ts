/**
 * Classic pcap (libpcap savefile), microsecond and nanosecond, both byte orders.
 *
 * Records are parsed by the npm package pcap-parser 0.2.1; this file wraps it and covers the
 * gaps of pcap-parser 0.2.1 (lib/pcap-parser.js: no pcapng or nanosecond pcap, a loose version check, silent truncation). A guard walks the record headers ahead of the
 * parser and hands it only whole, validated records:
 * - nanosecond files (magic a1b23c4d): the parser knows only the microsecond magic, so it is
 *   given a copy of the file header with that magic and its "microseconds" field is read as
 *   nanoseconds (the record layout is identical);
 * - the version check (`major != 2 && minor != 4` in the library accepts 1.4) is done here;
 * - a captured length above 256 KiB ends the file with an error instead of being buffered;
 * - a truncated last record becomes a warning with its offset instead of vanishing;
 * - the parser's leftover buffer is cleared after each whole-record chunk, so it never
 *   reaches its concatenation path: the deprecated `new Buffer(n)` is never called and no
 *   chunk is copied twice.
 *
 * Layout (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html §4, §5):
 *   file header  magic(4) major(2) minor(2) thiszone(4) sigfigs(4) snaplen(4) linktype(4)
 *   record       ts_sec(4) ts_frac(4) caplen(4) origlen(4) data[caplen]
 */
import { EventEmitter } from 'node:events';
import { parse as pcapParse, type Packet, type Parser } from 'pcap-parser';
import { ChunkedParser } from './chunked-parser.js';
import { CaptureFormatError } from './errors.js';
import type { CaptureInfo, FrameSink } from './frame.js';
import { MAX_RECORD_CAPLEN } from './limits.js';

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
const HDR = { MAJOR: 4, MINOR: 6, SNAPLEN: 16, LINKTYPE: 20 } as const;
const REC = { TS_SEC: 0, TS_FRAC: 4, CAPLEN: 8, ORIGLEN: 12 } as const;

/** draft-ietf-opsawg-pcap §5.8: LinkType and additional information. */
const LINKTYPE_MASK = 0x0000ffff;
const LINKTYPE_RESERVED = 0x03ff0000;
const LINKTYPE_FCS_PRESENT = 0x04000000;

/** Feeds pcap-parser synchronously: it only listens for 'data' and calls pause/resume. */
class FeedStream extends EventEmitter {
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

export class PcapReader extends ChunkedParser {
  private littleEndian = true;
  private nanosecond = false;
  private headerDone = false;
  private snaplen = 0;
  private linkType = 0;
  private readonly feed = new FeedStream();
  private parser: Parser | null = null;
  /** Stream offset of the next record pcap-parser will emit. */
  private nextRecordOffset = FILE_HEADER_LEN;
  private readonly onPacket = (packet: Packet): void => this.deliver(packet);

  constructor(sink: FrameSink, info: CaptureInfo) {
    super(sink, info);
  }

  protected parse(): void {
    if (!this.headerDone) {
      if (this.leftover < FILE_HEADER_LEN) return;
      this.readFileHeader();
    }
    const buf = this.buf;
    const le = this.littleEndian;
    const flushFrom = this.pos;
    let pos = this.pos;
    while (buf.length - pos >= RECORD_HEADER_LEN) {
      const caplen = le ? buf.readUInt32LE(pos + REC.CAPLEN) : buf.readUInt32BE(pos + REC.CAPLEN);
      if (caplen > MAX_RECORD_CAPLEN) {
        this.flush(flushFrom, pos);
        throw new CaptureFormatError(
          'BAD_RECORD_LENGTH',
          this.base + pos,
          `record ${this.frameNumber + 1}: captured length ${caplen} is larger than the ${MAX_RECORD_CAPLEN}-byte maximum; the file is damaged from here`,
        );
      }
      if (this.snaplen > 0 && caplen > this.snaplen) {
        // libpcap (sf-pcap.c) reads such records too ("Solaris 2.3 … BUFMOD"), and so does
        // Wireshark: the snap length in the header is advice, the 256 KiB cap is the limit.
        this.warnOnce(
          'CAPLEN_EXCEEDS_SNAPLEN',
          this.base + pos,
          `record ${this.frameNumber + 1}: captured length ${caplen} exceeds the file's snap length ${this.snaplen}; read anyway, as libpcap and Wireshark do`,
        );
      }
      if (buf.length - pos - RECORD_HEADER_LEN < caplen) break;
      pos += RECORD_HEADER_LEN + caplen;
    }
    this.flush(flushFrom, pos);
  }

  end(): void {
    if (!this.headerDone) {
      throw new CaptureFormatError(
        'TRUNCATED_FILE_HEADER',
        this.consumed,
        `the file ends after ${this.leftover} byte${this.leftover === 1 ? '' : 's'}, inside the ${FILE_HEADER_LEN}-byte pcap file header`,
      );
    }
    const left = this.leftover;
    if (left === 0) return;
    const at = this.consumed;
    if (left < RECORD_HEADER_LEN) {
      this.warn(
        'TRUNCATED_RECORD',
        at,
        `the file ends inside the header of record ${this.frameNumber + 1} (${left} of ${RECORD_HEADER_LEN} bytes); it was skipped`,
      );
    } else {
      const caplen = this.littleEndian
        ? this.buf.readUInt32LE(this.pos + REC.CAPLEN)
        : this.buf.readUInt32BE(this.pos + REC.CAPLEN);
      this.warn(
        'TRUNCATED_RECORD',
        at,
        `the file ends inside record ${this.frameNumber + 1}: ${caplen} captured bytes announced, ${left - RECORD_HEADER_LEN} present; it was skipped`,
      );
    }
  }

  private readFileHeader(): void {
    const buf = this.buf;
    const at = this.base + this.pos;
    const magicBE = buf.readUInt32BE(this.pos);
    const magicLE = buf.readUInt32LE(this.pos);
    if (magicBE === PCAP_MAGIC_USEC || magicBE === PCAP_MAGIC_NSEC) this.littleEndian = false;
    else if (magicLE === PCAP_MAGIC_USEC || magicLE === PCAP_MAGIC_NSEC) this.littleEndian = true;
    else throw new CaptureFormatError('BAD_MAGIC', at, `not a pcap file: magic ${buf.toString('hex', this.pos, this.pos + 4)}`);
    const le = this.littleEndian;
    const magic = le ? magicLE : magicBE;
    this.nanosecond = magic === PCAP_MAGIC_NSEC;
    const u16 = (o: number): number => (le ? buf.readUInt16LE(this.pos + o) : buf.readUInt16BE(this.pos + o));
    const u32 = (o: number): number => (le ? buf.readUInt32LE(this.pos + o) : buf.readUInt32BE(this.pos + o));
    const major = u16(HDR.MAJOR);
    const minor = u16(HDR.MINOR);
    // libpcap reads 2.0 to 2.4 (pcap-parser 0.2.1's version check accepts 1.4 and 2.3 alike).
    if (major !== 2 || minor > 4) {
      throw new CaptureFormatError(
        'UNSUPPORTED_VERSION',
        at + HDR.MAJOR,
        `unsupported pcap savefile version ${major}.${minor} (tcplens reads 2.0 to 2.4)`,
      );
    }
    const rawLinkType = u32(HDR.LINKTYPE);
    if ((rawLinkType & LINKTYPE_RESERVED) !== 0) {
      throw new CaptureFormatError(
        'RESERVED_LINKTYPE_BITS',
        at + HDR.LINKTYPE,
        `savefile linktype reserved field not zero (0x${(rawLinkType & LINKTYPE_RESERVED).toString(16).padStart(8, '0')})`,
      );
    }
    this.linkType = rawLinkType & LINKTYPE_MASK;
    this.snaplen = u32(HDR.SNAPLEN);
    const fcsLen = (rawLinkType & LINKTYPE_FCS_PRESENT) !== 0 ? ((rawLinkType >>> 28) & 0xf) * 2 : null;

    const info = this.info;
    info.format = this.nanosecond ? 'pcap-nsec' : 'pcap';
    info.byteOrder = le ? 'LE' : 'BE';
    info.version = `${major}.${minor}`;
    info.snaplen = this.snaplen;
    info.sections = 1;
    const iface = {
      section: 1,
      id: 0,
      linkType: this.linkType,
      snaplen: this.snaplen,
      name: null,
      description: null,
      comments: [],
      tsResolution: this.nanosecond ? '10^-9' : '10^-6',
      tsOffsetSec: 0,
      fcsLen,
    };
    info.interfaces.push(iface);
    this.sink.onInterface?.(iface);

    const f = this.frame;
    f.linkType = this.linkType;
    f.littleEndian = le;
    f.iface = 0;
    f.section = 1;

    this.parser = pcapParse(this.feed);
    this.parser.on('packet', this.onPacket);
    this.parser.on('error', (err: Error) => {
      // Unreachable with the guard in front (magic and version are checked above), kept so
      // that a library surprise becomes a clear file error rather than an unhandled event.
      throw new CaptureFormatError('MALFORMED_BLOCK', this.nextRecordOffset, `pcap-parser: ${err.message}`);
    });
    const header = Buffer.from(buf.subarray(this.pos, this.pos + FILE_HEADER_LEN));
    if (this.nanosecond) {
      if (le) header.writeUInt32LE(PCAP_MAGIC_USEC, 0);
      else header.writeUInt32BE(PCAP_MAGIC_USEC, 0);
    }
    this.feed.emit('data', header);
    this.parser.buffer = null;
    this.pos += FILE_HEADER_LEN;
    this.headerDone = true;
  }

  /** Hands whole records buf[from, to) to pcap-parser, which emits one 'packet' per record. */
  private flush(from: number, to: number): void {
    if (to > from) {
      this.feed.emit('data', this.buf.subarray(from, to));
      // Every record was whole, so the parser's leftover is empty: drop it (see file comment).
      (this.parser as Parser).buffer = null;
    }
    this.pos = to;
  }

  private deliver(packet: Packet): void {
    const h = packet.header;
    const at = this.nextRecordOffset;
    this.nextRecordOffset += RECORD_HEADER_LEN + h.capturedLength;
    this.deliverRecord(packet.data, 0, at, h.timestampSeconds, h.timestampMicroseconds, h.capturedLength, h.originalLength);
  }

  /**
   * One record to the sink, its fields as pcap-parser gave them: from this reader's own parser,
   * or from a range reader's on a worker thread (parallel-pcap.ts), whose bytes are a view of
   * the range (`start` is where the record's data begins in `bytes`).
   */
  deliverRecord(bytes: Uint8Array, start: number, fileOffset: number, tsSec: number, tsFrac: number, caplen: number, origLen: number): void {
    const f = this.frame;
    f.frame = ++this.frameNumber;
    f.fileOffset = fileOffset;
    let sec = tsSec;
    let frac = tsFrac;
    const perSecond = this.nanosecond ? 1_000_000_000 : 1_000_000;
    if (frac >= perSecond) {
      this.warnOnce(
        'INVALID_TIMESTAMP',
        f.fileOffset,
        `record ${f.frame}: the sub-second field ${frac} is not below ${perSecond}; the excess is carried into the seconds`,
      );
      sec += Math.floor(frac / perSecond);
      frac %= perSecond;
    }
    f.tsSec = sec;
    f.tsNsec = this.nanosecond ? frac : frac * 1000;
    f.caplen = caplen;
    f.origLen = origLen;
    f.bytes = bytes;
    f.start = start;
    this.packets++;
    this.sink.onFrame(f);
  }

  /** What range readers need from the file header (parallel-pcap.ts); null before it was read. */
  get layout(): { littleEndian: boolean; nanosecond: boolean; snaplen: number } | null {
    return this.headerDone ? { littleEndian: this.littleEndian, nanosecond: this.nanosecond, snaplen: this.snaplen } : null;
  }

  /**
   * Goes on at a record boundary of the file, with nothing buffered: the records before it were
   * handed on by range readers (parallel-pcap.ts) through deliverRecord.
   */
  resumeAt(offset: number): void {
    this.skipTo(offset);
    this.nextRecordOffset = offset;
  }
}
