/** Small captures written by our own writer, for reader tests. */
import { Readable } from 'node:stream';
import { collectChunks, PcapngWriter, PcapWriter, type PcapWriterOptions } from '../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { LinkType, TcpFlag } from '../../src/decode/fields.js';

export function segment(i: number): Buffer {
  return buildTcpFrame({ src: '192.0.2.1', dst: '192.0.2.2', sport: 1000 + i, dport: 80, seq: i * 1000, ack: 1, flags: TcpFlag.ACK | TcpFlag.PSH, payload: 10 * i });
}

/** A classic pcap with `n` packets at 1700000000 + i seconds, i × 1001 µs (or ns). */
export function pcapFile(n: number, opts: Partial<PcapWriterOptions> = {}): Buffer {
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET, ...opts });
  for (let i = 0; i < n; i++) w.packet(1_700_000_000 + i, opts.nanosecond ? i * 1_001_001 : i * 1_001_000, segment(i));
  return out.result();
}

/** Feeds a buffer to a reader `size` bytes at a time, to cross every chunk boundary. */
export function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

export function pcapng(build: (w: PcapngWriter) => void): Buffer {
  const out = collectChunks();
  build(new PcapngWriter(out.sink));
  return out.result();
}
