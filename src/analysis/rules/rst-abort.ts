import { seqDiff } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

const SYNCHRONIZED_OPEN = new Set(['ESTABLISHED', 'MIDSTREAM', 'CLOSE-WAIT', 'SYN-RECEIVED']);

export default defineAnomaly({
  id: 'rst-abort',
  severity: 'warning',
  zeek: 'RSTO / RSTR',
  rfc: 'RFC 9293 §3.10.5 (ABORT)',
  doc: `Set when all of the following are true:
        - the segment has RST set and is acceptable to its receiver (in its window)
        - its sender had not sent a FIN (it was ESTABLISHED, CLOSE-WAIT or SYN-RECEIVED): an abort, not a close
        The detail says who aborted and how many bytes were in flight each way (sent, not yet acknowledged).`,
  onSegment(ctx) {
    const { seg, sender, receiver, senderBefore } = ctx;
    if (!seg.rst || !SYNCHRONIZED_OPEN.has(senderBefore)) return;
    if (ctx.receiverBefore === 'SYN-SENT') return; // that is rst-refused
    if (!ctx.receiverChanges.some((c) => c.to === 'CLOSED' || c.to === 'LISTEN')) return;
    const inFlight = (from: typeof sender, to: typeof receiver): number =>
      from.hasNextSeq && to.hasLastAck ? Math.max(0, seqDiff(from.nextSeq, to.lastAck)) : 0;
    ctx.report(
      seg.frame,
      ctx.side,
      `the ${ctx.side} aborted the connection with RST in ${senderBefore}; in flight: ${inFlight(sender, receiver)} bytes from the ${ctx.side}, ${inFlight(receiver, sender)} from the ${ctx.peerSide}`,
    );
  },
});
