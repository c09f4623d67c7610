/**
 * pcapng, read block by block from a stream (draft-ietf-opsawg-pcapng-02).
 *
 * Every section (SHB) carries its own byte order and its own interfaces; a file may hold
 * several. Packets come from Enhanced (EPB), Simple (SPB) and the obsolete Packet Blocks (PB);
 * every other block type is skipped by its length. Custom blocks (CB, DCB) and systemd journal
 * blocks take a frame number without being packets, because tshark numbers them as frames.
 *
 * Block: type(4) total_length(4) body[total_length - 12] total_length(4)
 */
import { ChunkedParser } from './chunked-parser.js';
import { CaptureFormatError } from './errors.js';
import type { CaptureInfo, FrameSink, InterfaceInfo } from './frame.js';
import { MAX_BLOCK_LEN, MAX_RECORD_CAPLEN } from './limits.js';
import { MICROSECONDS, splitResult, splitTimestamp, timestampUnits, type TimestampUnits } from './timestamp.js';

export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const BlockType = {
  SHB: PCAPNG_SHB_TYPE,
  IDB: 0x00000001,
  PB: 0x00000002,
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  SYSTEMD_JOURNAL: 0x00000009,
  DSB: 0x0000000a,
  CB: 0x00000bad,
  DCB: 0x40000bad,
} as const;

/** Smallest legal total length per block type (header, fixed fields, trailer). */
const MIN_LEN = { any: 12, SHB: 28, IDB: 20, EPB: 32, PB: 32, SPB: 16 } as const;

const Option = {
  END: 0,
  COMMENT: 1,
  IF_NAME: 2,
  IF_DESCRIPTION: 3,
  IF_TSRESOL: 9,
  IF_FCSLEN: 13,
  IF_TSOFFSET: 14,
} as const;

interface SectionInterface {
  info: InterfaceInfo;
  units: TimestampUnits;
}

export class PcapngReader extends ChunkedParser {
  private le = true;
  private section = 0;
  private interfaces: SectionInterface[] = [];

  constructor(sink: FrameSink, info: CaptureInfo) {
    super(sink, info);
    info.format = 'pcapng';
  }

  protected parse(): void {
    const buf = this.buf;
    for (;;) {
      const at = this.pos;
      if (buf.length - at < 12) return;
      let type = this.u32(at);
      if (type === BlockType.SHB) {
        // The section's byte order is known only from its own byte-order magic.
        const bom = buf.readUInt32LE(at + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (buf.readUInt32BE(at + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else {
          throw new CaptureFormatError(
            'BAD_MAGIC',
            this.base + at + 8,
            `section header block: byte-order magic ${buf.toString('hex', at + 8, at + 12)} is neither 1a2b3c4d nor 4d3c2b1a`,
          );
        }
        type = BlockType.SHB;
      } else if (this.section === 0) {
        throw new CaptureFormatError('BAD_MAGIC', this.base + at, 'pcapng file does not begin with a section header block');
      }
      const total = this.u32(at + 4);
      const min = type === BlockType.SHB ? MIN_LEN.SHB : MIN_LEN.any;
      if (total < min || total % 4 !== 0 || total > MAX_BLOCK_LEN) {
        throw new CaptureFormatError(
          'BAD_BLOCK_LENGTH',
          this.base + at + 4,
          `block of type 0x${type.toString(16)}: total length ${total} is ${
            total % 4 !== 0 ? 'not a multiple of 4' : total < min ? `below the minimum of ${min}` : `above the ${MAX_BLOCK_LEN}-byte limit`
          }`,
        );
      }
      if (buf.length - at < total) return;
      const trailer = this.u32(at + total - 4);
      if (trailer !== total) {
        throw new CaptureFormatError(
          'BLOCK_LENGTH_MISMATCH',
          this.base + at + total - 4,
          `block total length in header ${total} and trailer ${trailer} don't match`,
        );
      }
      this.block(type, at, total);
      this.pos = at + total;
    }
  }

  end(): void {
    const left = this.leftover;
    if (this.section === 0) {
      throw new CaptureFormatError(
        'TRUNCATED_FILE_HEADER',
        this.consumed,
        `the file ends after ${left} byte${left === 1 ? '' : 's'}, inside the first section header block`,
      );
    }
    if (left === 0) return;
    const need = left >= 8 ? `${this.u32(this.pos + 4)} bytes announced` : 'its length unread';
    this.warn(
      'TRUNCATED_BLOCK',
      this.consumed,
      `the file ends inside a block (${need}, ${left} present); it was skipped`,
    );
  }

  private u32(o: number): number {
    return this.le ? this.buf.readUInt32LE(o) : this.buf.readUInt32BE(o);
  }

  private u16(o: number): number {
    return this.le ? this.buf.readUInt16LE(o) : this.buf.readUInt16BE(o);
  }

  private block(type: number, at: number, total: number): void {
    switch (type) {
      case BlockType.SHB:
        return this.sectionHeader(at, total);
      case BlockType.IDB:
        return this.interfaceDescription(at, total);
      case BlockType.EPB:
        return this.enhancedPacket(at, total);
      case BlockType.SPB:
        return this.simplePacket(at, total);
      case BlockType.PB:
        return this.obsoletePacket(at, total);
      case BlockType.CB:
      case BlockType.DCB:
      case BlockType.SYSTEMD_JOURNAL:
        // Not packets, but tshark gives them a frame number: keep our numbers equal to its.
        this.frameNumber++;
        return;
      default:
        // NRB, ISB, DSB and unknown types: skipped by length (§3.1 "MUST be able to skip").
        return;
    }
  }

  private sectionHeader(at: number, total: number): void {
    const major = this.u16(at + 12);
    const minor = this.u16(at + 14);
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      // libpcap and Wireshark read 1.0 (and 1.2, written by some old tools) only.
      throw new CaptureFormatError(
        'UNSUPPORTED_VERSION',
        this.base + at + 12,
        `unsupported pcapng savefile version ${major}.${minor} in section ${this.section + 1} (tcplens reads 1.0)`,
      );
    }
    this.section++;
    this.interfaces = [];
    const info = this.info;
    info.sections = this.section;
    if (info.byteOrder === null) {
      info.byteOrder = this.le ? 'LE' : 'BE';
      info.version = `${major}.${minor}`;
    }
    const end = at + total - 4;
    for (let o = this.option(at, at + 24, end); o >= 0; o = this.option(at, o, end)) {
      if (this.optCode === Option.COMMENT) info.comments.push(this.text(this.optStart, this.optEnd));
    }
  }

  private interfaceDescription(at: number, total: number): void {
    this.need(at, total, MIN_LEN.IDB, 'interface description block');
    const iface: InterfaceInfo = {
      section: this.section,
      id: this.interfaces.length,
      linkType: this.u16(at + 8),
      snaplen: this.u32(at + 12),
      name: null,
      description: null,
      comments: [],
      tsResolution: '10^-6',
      tsOffsetSec: 0,
      fcsLen: null,
    };
    let tsresol = 6;
    let tsoffset = 0;
    const end = at + total - 4;
    for (let o = this.option(at, at + 16, end); o >= 0; o = this.option(at, o, end)) {
      const s = this.optStart;
      const e = this.optEnd;
      switch (this.optCode) {
        case Option.COMMENT:
          iface.comments.push(this.text(s, e));
          break;
        case Option.IF_NAME:
          iface.name = this.text(s, e);
          break;
        case Option.IF_DESCRIPTION:
          iface.description = this.text(s, e);
          break;
        case Option.IF_TSRESOL:
          if (e > s) tsresol = this.buf[s] as number;
          break;
        case Option.IF_FCSLEN:
          if (e > s) iface.fcsLen = this.buf[s] as number;
          break;
        case Option.IF_TSOFFSET:
          if (e - s >= 8) {
            const hi = this.le ? this.buf.readInt32LE(s + 4) : this.buf.readInt32BE(s);
            const lo = this.le ? this.buf.readUInt32LE(s) : this.buf.readUInt32BE(s + 4);
            tsoffset = hi * 4294967296 + lo;
          }
          break;
        default:
          break;
      }
    }
    const units = tsresol === 6 && tsoffset === 0 ? MICROSECONDS : timestampUnits(tsresol, tsoffset);
    iface.tsResolution = units.label;
    iface.tsOffsetSec = tsoffset;
    this.interfaces.push({ info: iface, units });
    this.info.interfaces.push(iface);
    this.sink.onInterface?.(iface);
  }

  private enhancedPacket(at: number, total: number): void {
    this.need(at, total, MIN_LEN.EPB, 'enhanced packet block');
    const ifid = this.u32(at + 8);
    const caplen = this.u32(at + 20);
    this.checkCaplen(at + 20, caplen, total - MIN_LEN.EPB, 'enhanced packet block');
    const iface = this.iface(ifid, at + 8);
    splitTimestamp(this.u32(at + 12), this.u32(at + 16), iface.units);
    const f = this.frame;
    f.tsSec = splitResult.sec;
    f.tsNsec = splitResult.nsec;
    f.hasTimestamp = true;
    f.origLen = this.u32(at + 24);
    this.emit(iface, at, caplen, at + 28, at + 28 + pad4(caplen), at + total - 4);
  }

  private obsoletePacket(at: number, total: number): void {
    this.need(at, total, MIN_LEN.PB, 'packet block');
    const ifid = this.u16(at + 8);
    const caplen = this.u32(at + 20);
    this.checkCaplen(at + 20, caplen, total - MIN_LEN.PB, 'packet block');
    const iface = this.iface(ifid, at + 8);
    splitTimestamp(this.u32(at + 12), this.u32(at + 16), iface.units);
    const f = this.frame;
    f.tsSec = splitResult.sec;
    f.tsNsec = splitResult.nsec;
    f.hasTimestamp = true;
    f.origLen = this.u32(at + 24);
    this.emit(iface, at, caplen, at + 28, at + 28 + pad4(caplen), at + total - 4);
  }

  private simplePacket(at: number, total: number): void {
    this.need(at, total, MIN_LEN.SPB, 'simple packet block');
    const iface = this.iface(0, at);
    const origLen = this.u32(at + 8);
    // §4.4: the captured length is the smaller of the original length and the snap length,
    // bounded by the block itself.
    let caplen = Math.min(origLen, total - MIN_LEN.SPB);
    const snaplen = iface.info.snaplen;
    if (snaplen > 0 && caplen > snaplen) caplen = snaplen;
    this.checkCaplen(at + 8, caplen, total - MIN_LEN.SPB, 'simple packet block');
    const f = this.frame;
    f.tsSec = 0;
    f.tsNsec = 0;
    f.hasTimestamp = false;
    f.origLen = origLen;
    this.emit(iface, at, caplen, at + 12, at + total - 4, at + total - 4);
  }

  private emit(iface: SectionInterface, at: number, caplen: number, data: number, optStart: number, optEnd: number): void {
    const f = this.frame;
    f.frame = ++this.frameNumber;
    f.fileOffset = this.base + at;
    f.caplen = caplen;
    f.linkType = iface.info.linkType;
    f.iface = iface.info.id;
    f.section = iface.info.section;
    f.littleEndian = this.le;
    f.bytes = this.buf;
    f.start = data;
    f.comments = optStart < optEnd ? this.comments(at, optStart, optEnd) : null;
    this.packets++;
    this.sink.onFrame(f);
  }

  private iface(id: number, fieldAt: number): SectionInterface {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      throw new CaptureFormatError(
        'UNKNOWN_INTERFACE',
        this.base + fieldAt,
        `packet names interface ${id}, but section ${this.section} describes ${this.interfaces.length}`,
      );
    }
    return iface;
  }

  private need(at: number, total: number, min: number, what: string): void {
    if (total < min) {
      throw new CaptureFormatError('BAD_BLOCK_LENGTH', this.base + at + 4, `${what}: total length ${total} is below the minimum of ${min}`);
    }
  }

  private checkCaplen(fieldAt: number, caplen: number, room: number, what: string): void {
    if (caplen > MAX_RECORD_CAPLEN) {
      throw new CaptureFormatError(
        'BAD_RECORD_LENGTH',
        this.base + fieldAt,
        `${what}: captured length ${caplen} is larger than the ${MAX_RECORD_CAPLEN}-byte maximum`,
      );
    }
    if (caplen > room) {
      throw new CaptureFormatError(
        'MALFORMED_BLOCK',
        this.base + fieldAt,
        `${what}: captured length ${caplen} does not fit in the block (${room} bytes of room)`,
      );
    }
  }

  /** opt_comment values of a packet block, or null (no allocation when there are none). */
  private comments(at: number, start: number, end: number): string[] | null {
    let out: string[] | null = null;
    for (let o = this.option(at, start, end); o >= 0; o = this.option(at, o, end)) {
      if (this.optCode === Option.COMMENT) (out ??= []).push(this.text(this.optStart, this.optEnd));
    }
    return out;
  }

  /** The option read last by option(): its code and value bounds. */
  private optCode = 0;
  private optStart = 0;
  private optEnd = 0;

  /**
   * Reads the option at o (bounded by end) into optCode/optStart/optEnd and returns the offset
   * of the next one, or -1 at opt_endofopt or the end. An option that runs past the end of its
   * block is damage. (An iterator without closures: this runs per packet.)
   */
  private option(at: number, o: number, end: number): number {
    if (end - o < 4) return -1;
    const code = this.u16(o);
    const len = this.u16(o + 2);
    if (code === Option.END) return -1;
    const s = o + 4;
    if (s + len > end) {
      throw new CaptureFormatError(
        'MALFORMED_BLOCK',
        this.base + o,
        `option ${code} of length ${len} runs past the end of its block (block at byte ${this.base + at})`,
      );
    }
    this.optCode = code;
    this.optStart = s;
    this.optEnd = s + len;
    return s + pad4(len);
  }

  private text(s: number, e: number): string {
    // Some writers include the C string terminator in the option length.
    while (e > s && this.buf[e - 1] === 0) e--;
    return this.buf.toString('utf8', s, e);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
