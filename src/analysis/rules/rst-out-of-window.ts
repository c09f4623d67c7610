import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'rst-out-of-window',
  severity: 'warning',
  rfc: 'RFC 9293 §3.10.7.4 (first, check sequence number); RFC 5961 §3',
  doc: `Set when all of the following are true:
        - the segment has RST set
        - its receiver is in a state where the RST would matter (not CLOSED, not yet unseen)
        - it is not acceptable: in SYN-SENT it does not acknowledge the SYN; elsewhere its sequence
          number is outside RCV.NXT .. RCV.NXT + RCV.WND
        Such a RST changes no state; it may be stale, or injected.`,
  onSegment(ctx) {
    const { seg, sender, receiver, receiverBefore } = ctx;
    if (!seg.rst || receiverBefore === 'CLOSED' || receiverBefore === 'UNSEEN' || receiverBefore === 'LISTEN') return;
    if (ctx.receiverChanges.some((c) => c.to === 'CLOSED' || c.to === 'LISTEN')) return;
    const why =
      receiverBefore === 'SYN-SENT'
        ? `it does not acknowledge the ${ctx.peerSide}'s SYN (ack ${seg.ack}, expected ${(receiver.isn + 1) >>> 0})`
        : `its sequence number ${seg.seq} is outside the ${ctx.peerSide}'s window ${sender.nextSeq}..${(sender.nextSeq + receiver.scaledWindow) >>> 0}`;
    ctx.report(seg.frame, ctx.side, `RST from the ${ctx.side} ignored by the ${ctx.peerSide} in ${receiverBefore}: ${why}`);
  },
});
