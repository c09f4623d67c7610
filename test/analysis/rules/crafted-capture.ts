/** Captures for the capture-scoped rules, written by our own writer from Conversations (samples/conversation.ts). */
import { Readable } from 'node:stream';
import { collectChunks, PcapWriter } from '../../../src/craft/capture-writer.js';
import type { CraftedPacket } from '../../../samples/conversation.js';

export type Build = (out: CraftedPacket[], clock: { t: number }) => void;

/** A capture made afresh for each read: an Ethernet pcap of the packets build() writes, its clock starting at 1.7e9 s. */
export function crafted(build: Build): () => Readable {
  return () => {
    const packets: CraftedPacket[] = [];
    build(packets, { t: 1_700_000_000 });
    const out = collectChunks();
    const w = new PcapWriter(out.sink, { linkType: 1 });
    for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
    return Readable.from([out.result()]);
  };
}
