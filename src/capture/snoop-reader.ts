/**
 * Solaris snoop files (RFC 1761), big-endian throughout:
 *   header  "snoop\0\0\0"(8) version(4) = 2 datalink(4)
 *   record  origlen(4) caplen(4) reclen(4) drops(4) ts_sec(4) ts_usec(4) data[caplen] pad
 * snoop's own datalink codes are mapped to LINKTYPE values as Wireshark's snoop.c maps them.
 */
import { ChunkedParser } from './chunked-parser.js';
import { CaptureFormatError } from './errors.js';
import type { CaptureInfo, FrameSink } from './frame.js';
import { MAX_RECORD_CAPLEN } from './limits.js';

export const SNOOP_MAGIC = Buffer.from('snoop\0\0\0', 'latin1');
const HEADER_LEN = 16;
const RECORD_HEADER_LEN = 24;
/** snoop datalink → LINKTYPE (DL_CSMACD and DL_ETHER are Ethernet; DL_IPNET is 226). */
const DATALINK: Record<number, number> = { 0: 1, 4: 1, 8: 10, 18: 242, 26: 226 };

export class SnoopReader extends ChunkedParser {
  private headerDone = false;

  constructor(sink: FrameSink, info: CaptureInfo) {
    super(sink, info);
    info.format = 'snoop';
    info.byteOrder = 'BE';
    info.sections = 1;
  }

  protected parse(): void {
    const buf = this.buf;
    if (!this.headerDone) {
      if (this.leftover < HEADER_LEN) return;
      const version = buf.readUInt32BE(this.pos + 8);
      if (version !== 2) {
        throw new CaptureFormatError('UNSUPPORTED_VERSION', this.base + this.pos + 8, `unsupported snoop version ${version} (tcplens reads version 2)`);
      }
      const datalink = buf.readUInt32BE(this.pos + 12);
      const linkType = DATALINK[datalink] ?? 0xffff;
      this.info.version = '2';
      const iface = { section: 1, id: 0, linkType, snaplen: 0, name: null, description: `snoop datalink ${datalink}`, comments: [], tsResolution: '10^-6', tsOffsetSec: 0, fcsLen: null };
      this.info.interfaces.push(iface);
      this.sink.onInterface?.(iface);
      const f = this.frame;
      f.linkType = linkType;
      f.littleEndian = false;
      this.pos += HEADER_LEN;
      this.headerDone = true;
    }
    for (;;) {
      const at = this.pos;
      if (buf.length - at < RECORD_HEADER_LEN) return;
      const caplen = buf.readUInt32BE(at + 4);
      const reclen = buf.readUInt32BE(at + 8);
      if (caplen > MAX_RECORD_CAPLEN || reclen < RECORD_HEADER_LEN + caplen || reclen > RECORD_HEADER_LEN + caplen + 64) {
        throw new CaptureFormatError(
          'BAD_RECORD_LENGTH',
          this.base + at,
          `snoop record ${this.frameNumber + 1}: captured length ${caplen} and record length ${reclen} do not fit together`,
        );
      }
      if (buf.length - at < reclen) return;
      const f = this.frame;
      f.frame = ++this.frameNumber;
      f.fileOffset = this.base + at;
      f.origLen = buf.readUInt32BE(at);
      f.caplen = caplen;
      f.tsSec = buf.readUInt32BE(at + 16);
      f.tsNsec = buf.readUInt32BE(at + 20) * 1000;
      f.hasTimestamp = true;
      f.bytes = buf;
      f.start = at + RECORD_HEADER_LEN;
      this.pos = at + reclen;
      this.packets++;
      this.sink.onFrame(f);
    }
  }

  end(): void {
    if (!this.headerDone) {
      throw new CaptureFormatError('TRUNCATED_FILE_HEADER', this.consumed, `the file ends after ${this.leftover} byte${this.leftover === 1 ? '' : 's'}, inside the ${HEADER_LEN}-byte snoop header`);
    }
    if (this.leftover > 0) {
      this.warn('TRUNCATED_RECORD', this.consumed, `the file ends inside snoop record ${this.frameNumber + 1} (${this.leftover} byte${this.leftover === 1 ? '' : 's'} present); it was skipped`);
    }
  }
}
