/**
 * Types for pcap-parser 0.2.1 (lib/pcap-parser.js, ~150 lines; no types are published).
 * Only what tcplens uses, as the library actually behaves (../shared/ANCHORS.md §5).
 */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    /** The raw 32-bit field: FCS and reserved bits are not masked. */
    linkLayerType: number;
  }

  export interface PacketHeader {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  export interface Packet {
    header: PacketHeader;
    /** A slice of the parser's internal buffer (zero-copy): holding it pins the whole chunk. */
    data: Buffer;
  }

  /** The minimum of a Readable that the parser touches: on('data'|'error'|'end'), pause, resume. */
  export interface ParserInput extends EventEmitter {
    pause(): unknown;
    resume(): unknown;
  }

  export interface Parser extends EventEmitter {
    /**
     * Internal: bytes received but not yet parsed; null before the first chunk. When it is
     * non-null the next chunk is appended with the deprecated `new Buffer(n)` and copied.
     */
    buffer: Buffer | null;
    errored?: boolean;
    stream: ParserInput;
    on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
    on(event: 'packet', listener: (packet: Packet) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }

  export function parse(input: string | ParserInput): Parser;
}
