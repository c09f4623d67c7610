import { formatEndpoint } from '../../decode/format.js';
import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'rst-refused',
  severity: 'warning',
  zeek: 'REJ',
  rfc: 'RFC 9293 §3.10.7.1; §3.10.7.3; §3.5.2',
  doc: `Set when all of the following are true:
        - the segment has RST set
        - its receiver is in SYN-SENT (its SYN is unanswered)
        - the RST acknowledges that SYN (SEG.ACK = ISS + 1), so the receiver accepts it: connection refused
        When nothing had been heard from the RST's sender before (no SYN,ACK), the port had no
        listener: a CLOSED endpoint answers a SYN with a RST (§3.10.7.1).`,
  onSegment(ctx) {
    const { seg, receiverBefore, senderBefore } = ctx;
    if (!seg.rst || receiverBefore !== 'SYN-SENT') return;
    if (!ctx.receiverChanges.some((c) => c.to === 'CLOSED' && c.from === 'SYN-SENT')) return;
    const addr = ctx.conn.address(ctx.side);
    const where = formatEndpoint(addr);
    if (senderBefore === 'UNSEEN') {
      ctx.report(seg.frame, ctx.side, `connection refused: no listener on ${where}; the ${ctx.side} answered the ${ctx.peerSide}'s SYN with RST,ACK (ack ${seg.ack}) from CLOSED`);
    } else {
      ctx.report(seg.frame, ctx.side, `connection refused: the ${ctx.side} (${where}, in ${senderBefore}) answered the ${ctx.peerSide}'s SYN with RST (ack ${seg.ack})`);
    }
  },
});
