import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'rst-after-fin',
  severity: 'note',
  rfc: 'RFC 9293 §3.10.5; RFC 1122 §4.2.2.13',
  doc: `Set when all of the following are true:
        - the segment has RST set
        - its sender had already sent a FIN (FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK or TIME-WAIT),
          or had received the peer's FIN and closed (common when an application closes a socket with unread data)`,
  onSegment(ctx) {
    const { seg, sender, senderBefore } = ctx;
    if (!seg.rst || !sender.sawFin) return;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} sent RST in ${senderBefore}, after its own FIN (frame ${sender.finFrame})`);
  },
});
