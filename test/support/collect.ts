/** Runs the capture and decode stages over a file and copies out what tests compare. */
import { formatTimestamp } from '../../src/capture/timestamp.js';
import { formatDst, formatSrc, describeIssue } from '../../src/decode/format.js';
import type { DecodeIssue } from '../../src/decode/issues.js';
import { type DecodeResult, decodeCapture } from '../../src/pipeline.js';
import type { CaptureSource } from '../../src/capture/open-capture.js';

export interface CollectedFrame {
  frame: number;
  ts: string | null;
  caplen: number;
  len: number;
  iface: number;
  section: number;
  linkType: number;
  comments: string[] | null;
  ipVersion: number;
  src: string | null;
  dst: string | null;
  vlan: number;
  tcp: null | {
    sport: number;
    dport: number;
    seq: number;
    ack: number;
    flags: number;
    len: number;
    win: number;
    mss: number;
    wscale: number;
    sackPerm: boolean;
    sack: number[];
    tsval: number | null;
    tsecr: number | null;
  };
  issue: DecodeIssue | null;
}

export async function collect(source: CaptureSource, name?: string): Promise<{ result: DecodeResult; frames: CollectedFrame[] }> {
  const frames: CollectedFrame[] = [];
  const result = await decodeCapture(
    source,
    {
      onPacket(f, p) {
        frames.push({
          frame: f.frame,
          ts: f.hasTimestamp ? formatTimestamp(f.tsSec, f.tsNsec) : null,
          caplen: f.caplen,
          len: f.origLen,
          iface: f.iface,
          section: f.section,
          linkType: f.linkType,
          comments: f.comments ? [...f.comments] : null,
          ipVersion: p.ipVersion,
          src: p.ipVersion ? formatSrc(p) : null,
          dst: p.ipVersion ? formatDst(p) : null,
          vlan: p.vlanOuter,
          tcp: p.hasTcp
            ? {
                sport: p.srcPort,
                dport: p.dstPort,
                seq: p.seq,
                ack: p.ack,
                flags: p.flags,
                len: p.payloadLen,
                win: p.window,
                mss: p.mss,
                wscale: p.wscale,
                sackPerm: p.sackPermitted,
                sack: Array.from(p.sack.subarray(0, 2 * p.sackCount)),
                tsval: p.hasTimestamp ? p.tsVal : null,
                tsecr: p.hasTimestamp ? p.tsEcr : null,
              }
            : null,
          issue: describeIssue(p),
        });
      },
    },
    name,
  );
  return { result, frames };
}
