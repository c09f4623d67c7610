import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'half-open',
  severity: 'warning',
  rfc: 'RFC 9293 §3.5.3 (half-open connections and other anomalies)',
  doc: `Set when all of the following are true:
        - one side reset the connection (its RST was accepted: it is CLOSED)
        - the other side sends again afterwards (any segment but a RST): it does not know the
          connection is gone
        (Handshakes left in SYN-RECEIVED are counted by syn-flood, per destination.)`,
  onSegment(ctx) {
    const { seg, receiver } = ctx;
    if (seg.rst || !receiver.sawRst || receiver.state !== 'CLOSED') return;
    const m = ctx.memo(() => ({ reported: false }));
    if (m.reported) return;
    m.reported = true;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} keeps sending after the ${ctx.peerSide} reset the connection: it does not know the connection is gone`);
  },
});
