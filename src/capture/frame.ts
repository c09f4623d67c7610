/**
 * The one shape every reader hands on, whatever the file format.
 *
 * A Frame is reused: the reader overwrites it for every record and calls the sink with the
 * same object. `bytes` is a view into the reader's current chunk and is valid only until the
 * sink returns. Copy out the primitives you keep (gopacket's ZeroCopyReadPacketData contract).
 */
export class Frame {
  /** 1-based; equals tshark's frame.number (pcapng custom blocks use a number too, as in tshark). */
  frame = 0;
  /** Seconds since the epoch, an integer. */
  tsSec = 0;
  /** Nanoseconds within the second, an integer in [0, 1e9). */
  tsNsec = 0;
  /** False for pcapng Simple Packet Blocks, which carry no timestamp. */
  hasTimestamp = true;
  /** Bytes present in the file. */
  caplen = 0;
  /** Bytes on the wire. */
  origLen = 0;
  /** LINKTYPE_* value, the low 16 bits of the file's field. */
  linkType = 0;
  /** Interface id within its pcapng section (tshark's frame.interface_id); 0 for pcap. */
  iface = 0;
  /** 1-based pcapng section number; 1 for pcap. */
  section = 1;
  /** The file (section) byte order; some link layers (NFLOG) store host-order fields. */
  littleEndian = true;
  /** Byte offset of this record's header in the (decompressed) stream. */
  fileOffset = 0;
  /** pcapng opt_comment values, or null. */
  comments: string[] | null = null;
  /** View of the captured bytes: bytes[start] .. bytes[start + caplen - 1]. */
  bytes: Uint8Array = EMPTY;
  start = 0;
}

const EMPTY = new Uint8Array(0);

export interface InterfaceInfo {
  /** 1-based section number and id within it. */
  section: number;
  id: number;
  linkType: number;
  snaplen: number;
  name: string | null;
  description: string | null;
  comments: string[];
  /** Timestamp units per second as text, e.g. "10^-6" or "2^-8". */
  tsResolution: string;
  tsOffsetSec: number;
  fcsLen: number | null;
}

export type CaptureFormat = 'pcap' | 'pcap-nsec' | 'pcapng' | 'snoop';

export interface CaptureInfo {
  format: CaptureFormat | null;
  gzip: boolean;
  byteOrder: 'LE' | 'BE' | null;
  version: string | null;
  snaplen: number | null;
  /** For pcap the one link type; for pcapng every interface. */
  interfaces: InterfaceInfo[];
  /** SHB opt_comment values (all sections). */
  comments: string[];
  sections: number;
}

export interface FrameSink {
  /** Called once per captured packet with the reused Frame. Must not keep `frame.bytes`. */
  onFrame(frame: Frame): void;
  /** Called when a new interface becomes known (pcap: once, after the file header). */
  onInterface?(iface: InterfaceInfo): void;
  /** Called between chunks; a returned promise pauses reading (backpressure). */
  afterChunk?(): Promise<void> | void;
  /** Called between chunks with the bytes read from the file (compressed, when gzip'd) and its size, if known. */
  onProgress?(bytesRead: number, totalBytes: number | null): void;
  /** Called between chunks: true stops reading there (the caller has what it needs). */
  done?(): boolean;
  /**
   * Called with every chunk of capture data (after gunzip, in order, the first holding the file
   * header) once the reader has parsed it, even when it found damage in it: `parsedTo` is the
   * stream offset up to which the reader took whole records (`tcplens slice` copies them).
   */
  onData?(chunk: Buffer, parsedTo: number): void;
}
