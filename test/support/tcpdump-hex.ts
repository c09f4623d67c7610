import { Frame } from '../../src/capture/frame.js';

/** The bytes of a `tcpdump -XX` dump: every `0xNNNN:` line's hex groups, in order. */
export function bytesFromTcpdump(dump: string): Buffer {
  const hex: string[] = [];
  for (const line of dump.split('\n')) {
    const m = /^\s*0x[0-9a-f]{4}:\s+((?:[0-9a-f]{2,4}\s)+)/i.exec(`${line} `);
    if (m?.[1] !== undefined) hex.push(m[1].replace(/\s+/g, ''));
  }
  return Buffer.from(hex.join(''), 'hex');
}

/** A Frame over the given bytes, as a reader would hand it on. */
export function frameOf(bytes: Uint8Array, linkType: number, opts: { origLen?: number; littleEndian?: boolean } = {}): Frame {
  const f = new Frame();
  f.frame = 1;
  f.bytes = bytes;
  f.start = 0;
  f.caplen = bytes.length;
  f.origLen = opts.origLen ?? bytes.length;
  f.linkType = linkType;
  f.littleEndian = opts.littleEndian ?? true;
  return f;
}
