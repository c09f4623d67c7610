/**
 * Writes classic pcap (µs or ns, either byte order) and pcapng (sections, interfaces with
 * if_tsresol, EPB, SPB, custom blocks, comments): the inverse of capture/, for samples, the
 * benchmark capture and reader tests. Output goes to a callback in chunks.
 */
import { PCAP_MAGIC_NSEC, PCAP_MAGIC_USEC } from '../capture/pcap-reader.js';
import { PCAPNG_SHB_TYPE } from '../capture/pcapng-reader.js';

export type ChunkSink = (chunk: Buffer) => void;

function put16(b: Buffer, o: number, v: number, le: boolean): void {
  if (le) b.writeUInt16LE(v, o);
  else b.writeUInt16BE(v, o);
}

function put32(b: Buffer, o: number, v: number, le: boolean): void {
  if (le) b.writeUInt32LE(v >>> 0, o);
  else b.writeUInt32BE(v >>> 0, o);
}

export interface PcapWriterOptions {
  linkType: number;
  snaplen?: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  version?: readonly [number, number];
}

export class PcapWriter {
  private readonly le: boolean;
  private readonly nano: boolean;

  constructor(
    private readonly sink: ChunkSink,
    opts: PcapWriterOptions,
  ) {
    this.le = opts.bigEndian !== true;
    this.nano = opts.nanosecond === true;
    const h = Buffer.alloc(24);
    this.w32(h, 0, this.nano ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC);
    this.w16(h, 4, opts.version?.[0] ?? 2);
    this.w16(h, 6, opts.version?.[1] ?? 4);
    this.w32(h, 16, opts.snaplen ?? 262144);
    this.w32(h, 20, opts.linkType);
    sink(h);
  }

  /** `tsNsec` in nanoseconds (rounded down to µs for microsecond files). */
  packet(tsSec: number, tsNsec: number, data: Uint8Array, origLen = data.length): void {
    const h = Buffer.alloc(16);
    this.w32(h, 0, tsSec);
    this.w32(h, 4, this.nano ? tsNsec : Math.floor(tsNsec / 1000));
    this.w32(h, 8, data.length);
    this.w32(h, 12, origLen);
    this.sink(h);
    this.sink(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  private w16(b: Buffer, o: number, v: number): void {
    put16(b, o, v, this.le);
  }

  private w32(b: Buffer, o: number, v: number): void {
    put32(b, o, v, this.le);
  }
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  name?: string;
  description?: string;
  comment?: string;
  /** if_tsresol byte: 6 (µs, default), 9 (ns), 0x80|k for 2^-k. */
  tsresol?: number;
  tsoffset?: number;
}

/** pcapng writer: call section() first, then interface(), then packets. */
export class PcapngWriter {
  private le = true;

  constructor(private readonly sink: ChunkSink) {}

  section(opts: { bigEndian?: boolean; comment?: string; version?: readonly [number, number] } = {}): void {
    this.le = opts.bigEndian !== true;
    const body = Buffer.alloc(16);
    this.w32(body, 0, 0x1a2b3c4d);
    this.w16(body, 4, opts.version?.[0] ?? 1);
    this.w16(body, 6, opts.version?.[1] ?? 0);
    body.writeInt32LE(-1, 8); // section length unknown
    body.writeInt32LE(-1, 12);
    this.block(PCAPNG_SHB_TYPE, body, opts.comment !== undefined ? [[1, Buffer.from(opts.comment)]] : []);
  }

  interface(i: PcapngInterface): void {
    const body = Buffer.alloc(8);
    this.w16(body, 0, i.linkType);
    this.w32(body, 4, i.snaplen ?? 262144);
    const opts: [number, Buffer][] = [];
    if (i.comment !== undefined) opts.push([1, Buffer.from(i.comment)]);
    if (i.name !== undefined) opts.push([2, Buffer.from(i.name)]);
    if (i.description !== undefined) opts.push([3, Buffer.from(i.description)]);
    if (i.tsresol !== undefined) opts.push([9, Buffer.from([i.tsresol])]);
    if (i.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(BigInt(i.tsoffset));
      else v.writeBigInt64BE(BigInt(i.tsoffset));
      opts.push([14, v]);
    }
    this.block(1, body, opts);
  }

  /** Enhanced Packet Block; `units` is the timestamp in interface units (BigInt for exactness). */
  enhancedPacket(ifid: number, units: bigint, data: Uint8Array, opts: { origLen?: number; comment?: string } = {}): void {
    const body = Buffer.alloc(20 + pad4(data.length));
    this.w32(body, 0, ifid);
    this.w32(body, 4, Number(units >> 32n));
    this.w32(body, 8, Number(units & 0xffffffffn));
    this.w32(body, 12, data.length);
    this.w32(body, 16, opts.origLen ?? data.length);
    body.set(data, 20);
    this.block(6, body, opts.comment !== undefined ? [[1, Buffer.from(opts.comment)]] : []);
  }

  simplePacket(data: Uint8Array, origLen = data.length): void {
    const body = Buffer.alloc(4 + pad4(data.length));
    this.w32(body, 0, origLen);
    body.set(data, 4);
    this.block(3, body, []);
  }

  /** Any other block type (custom, NRB, ISB, unknown): body as given. */
  rawBlock(type: number, body: Uint8Array): void {
    this.block(type, Buffer.from(body), []);
  }

  private block(type: number, body: Buffer, options: [number, Buffer][]): void {
    let optLen = 0;
    for (const [, v] of options) optLen += 4 + pad4(v.length);
    if (options.length > 0) optLen += 4;
    const total = 12 + body.length + optLen;
    const b = Buffer.alloc(total);
    this.w32(b, 0, type);
    this.w32(b, 4, total);
    body.copy(b, 8);
    let o = 8 + body.length;
    for (const [code, v] of options) {
      this.w16(b, o, code);
      this.w16(b, o + 2, v.length);
      v.copy(b, o + 4);
      o += 4 + pad4(v.length);
    }
    this.w32(b, total - 4, total);
    this.sink(b);
  }

  private w16(b: Buffer, o: number, v: number): void {
    put16(b, o, v, this.le);
  }

  private w32(b: Buffer, o: number, v: number): void {
    put32(b, o, v, this.le);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Collects written chunks into one Buffer (for tests and small files). */
export function collectChunks(): { sink: ChunkSink; result(): Buffer } {
  const parts: Buffer[] = [];
  return { sink: (c) => parts.push(Buffer.from(c)), result: () => Buffer.concat(parts) };
}
