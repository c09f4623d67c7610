/**
 * One connection's segments, read again from its capture for the viewer's ladder: decoding
 * alone, without the engine (a viewer asks for one ladder of a million connections).
 */
import type { CaptureSource } from '../capture/open-capture.js';
import { formatIpv4, formatIpv6 } from '../decode/format.js';
import { decodeCapture } from '../pipeline.js';
import type { ConnectionRecord, SegmentRecord } from '../report/model.js';
import { segmentRecords } from '../report/segment-records.js';
import { copySegment, fillSegment, Segment } from '../tcp/segment.js';

/** Segments shown on one connection's timeline at most (a longer one shows its first ones). */
export const MAX_TIMELINE_SEGMENTS = 100_000;

/**
 * One connection's segments, read again from the capture: its frames are those of its
 * four-tuple from its first frame to its last (generations of a four-tuple never overlap).
 * Decoding alone, without the engine: a viewer asks for one ladder of a million connections.
 */
export async function connectionSegments(source: CaptureSource, name: string, c: ConnectionRecord): Promise<{ segments: SegmentRecord[]; truncated: boolean }> {
  const list: { seg: Segment; fromA: boolean }[] = [];
  let truncated = false;
  let past = false;
  const scratch = new Segment();
  await decodeCapture(
    source,
    {
      // Nothing of the connection comes after its last frame: stop reading at the next chunk.
      done: () => past,
      onPacket(frame, p) {
        if (frame.frame > c.lastFrame) past = true;
        if (!p.hasTcp || frame.frame < c.firstFrame || frame.frame > c.lastFrame) return;
        const fromClient = p.srcPort === c.client.port && p.dstPort === c.server.port;
        const fromServer = p.srcPort === c.server.port && p.dstPort === c.client.port;
        if (!fromClient && !fromServer) return;
        const src = p.ipVersion === 4 ? formatIpv4(p.src4) : formatIpv6(p.src6);
        const dst = p.ipVersion === 4 ? formatIpv4(p.dst4) : formatIpv6(p.dst6);
        const client = fromClient && src === c.client.ip && dst === c.server.ip;
        if (!client && !(fromServer && src === c.server.ip && dst === c.client.ip)) return;
        if (list.length >= MAX_TIMELINE_SEGMENTS) {
          truncated = true;
          return;
        }
        // Here endpoint a is the client (relative numbers do not depend on which side is a).
        list.push({ seg: copySegment(fillSegment(scratch, p, frame.frame, frame.tsSec, frame.tsNsec)), fromA: client });
      },
    },
    name,
  );
  const t0 = list.length ? (list[0] as { seg: Segment }).seg.time : 0;
  return { segments: segmentRecords(t0, (e) => (e === 'a' ? 'client' : 'server'), list), truncated };
}
