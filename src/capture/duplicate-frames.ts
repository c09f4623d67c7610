/**
 * Frames the capture holds twice: the same bytes as the frame just before, at the same instant.
 * A mirror port that copies both directions, a capture on two interfaces of one path, or a
 * merge of overlapping files records each such packet twice; Wireshark, tcptrace and Zeek then
 * count the copies as retransmissions and duplicate ACKs (tshark's flags on them are the oracle
 * tcplens follows), so the figures and rules here count them too, and the user must know why.
 *
 * `editcap -d` removes a frame whose bytes (MD5) equal one of the 4 before it, whatever its
 * time. tcplens warns more narrowly, so that no real packet is taken for a copy: equal captured
 * and original lengths, equal first HEAD_BYTES bytes (the link, IP and TCP headers with the IP
 * identification, sequence numbers and the TCP checksum, which covers the payload), and equal
 * timestamps. Two sends of one segment by a host are never at the same instant.
 *
 * Per frame: a copy of at most HEAD_BYTES bytes into one buffer, and a compare only when the
 * lengths and times are equal; nothing allocated.
 */
import type { CaptureWarning } from './errors.js';
import type { Frame } from './frame.js';
import { compareBytes, copyBytes } from './native-bytes.js';

/** Bytes compared from the start of each frame. */
export const HEAD_BYTES = 128;


export class DuplicateFrames {
  /** Copies found, and the first one's frame number and offset in the (decompressed) stream. */
  count = 0;
  firstFrame = 0;
  firstOffset = 0;
  private readonly head = new Uint8Array(HEAD_BYTES);
  private headLen = -1;
  private caplen = -1;
  private origLen = -1;
  private tsSec = -1;
  private tsNsec = -1;

  /** Takes the next frame of the capture, in order. */
  onFrame(f: Frame): void {
    const n = f.caplen < HEAD_BYTES ? f.caplen : HEAD_BYTES;
    // A frame with no bytes captured shows nothing to compare: never taken for a copy.
    if (n > 0 && f.hasTimestamp && f.tsSec === this.tsSec && f.tsNsec === this.tsNsec && f.caplen === this.caplen && f.origLen === this.origLen && n === this.headLen && compareBytes.call(f.bytes, this.head, 0, n, f.start, f.start + n) === 0) {
      if (this.count++ === 0) {
        this.firstFrame = f.frame;
        this.firstOffset = f.fileOffset;
      }
      return; // the same bytes as the kept ones
    }
    copyBytes.call(f.bytes, this.head, 0, f.start, f.start + n);
    this.headLen = n;
    this.caplen = f.caplen;
    this.origLen = f.origLen;
    this.tsSec = f.hasTimestamp ? f.tsSec : -1;
    this.tsNsec = f.hasTimestamp ? f.tsNsec : -1;
  }

  /** The capture's warning, or null when no frame was a copy. */
  warning(): CaptureWarning | null {
    if (this.count === 0) return null;
    const copies = this.count === 1 ? '1 frame is a copy' : `${this.count} frames are copies`;
    return {
      code: 'DUPLICATE_FRAMES',
      fileOffset: this.firstOffset,
      message:
        `${copies} of the frame just before (the same bytes at the same instant; first: frame ${this.firstFrame}): the capture holds those packets twice ` +
        `(a mirror port copying both directions, two interfaces, overlapping files), and Wireshark's flags, tcptrace's figures and the rules here count the copies ` +
        `as retransmissions and duplicate ACKs; editcap -d removes them`,
    };
  }
}
