import { seqAdd, seqGeq } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

const WAITING_FOR_ACK = new Set(['LAST-ACK', 'FIN-WAIT-1', 'CLOSING']);

export default defineAnomaly({
  id: 'missing-final-ack',
  severity: 'warning',
  rfc: 'RFC 9293 §3.6',
  doc: `Set when all of the following are true:
        - a side sent a FIN
        - no acknowledgment of that FIN (SEG.ACK >= its FIN's sequence number + 1) was captured from the peer
        - the side is still waiting for it (LAST-ACK, FIN-WAIT-1 or CLOSING) when the capture ends,
          or when a RST ends the connection first`,
  onSegment(ctx) {
    const { seg, receiver, receiverBefore } = ctx;
    // A RST ends the wait: a FIN still unacknowledged then never will be.
    if (!seg.rst || !WAITING_FOR_ACK.has(receiverBefore) || !receiver.sawFin) return;
    if (receiver.hasLastAck === false) return;
    ctx.report(seg.frame, ctx.peerSide, `the ${ctx.peerSide}'s FIN (frame ${receiver.finFrame}) was never acknowledged; a RST from the ${ctx.side} ended the connection in ${receiverBefore}`);
  },
  onEnd(ctx) {
    const { conn } = ctx;
    for (const side of ['client', 'server'] as const) {
      const ep = conn.endpointOf(side);
      const peer = conn.endpointOf(side === 'client' ? 'server' : 'client');
      if (!ep.sawFin || !WAITING_FOR_ACK.has(ep.state)) continue;
      if (peer.hasLastAck && seqGeq(peer.lastAck, seqAdd(ep.finSeq, 1))) continue;
      ctx.report(ep.finFrame, side, `the ${side}'s FIN (frame ${ep.finFrame}) was never acknowledged: the ${side} is left in ${ep.state} at the end of the ${ctx.atCaptureEnd ? 'capture' : 'connection'}`);
    }
  },
});
