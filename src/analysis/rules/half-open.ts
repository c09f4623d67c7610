import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'half-open',
  severity: 'warning',
  rfc: 'RFC 9293 §3.5.3 (half-open connections and other anomalies)',
  doc: `Set when all of the following are true:
        - the peer of the segment's sender reset the connection with a RST that the sender had to
          accept (in its window, §3.10.7.4; in SYN-SENT, acknowledging its SYN)
        - the sender sends again afterwards (any segment but a RST): it does not know the
          connection is gone (the RST never reached it)
        A RST the sender must ignore (out of window) does not count: sending on after it is normal.
        (Handshakes left in SYN-RECEIVED are counted by syn-flood, per destination.)`,
  onSegment(ctx) {
    const { seg, sender } = ctx;
    if (seg.rst || sender.rstAcceptedFrame === 0 || seg.frame === sender.rstAcceptedFrame) return;
    const m = ctx.memo(() => ({ reported: false }));
    if (m.reported) return;
    m.reported = true;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} keeps sending after the ${ctx.peerSide}'s RST (frame ${sender.rstAcceptedFrame}), which it would have accepted: it does not know the connection is gone`);
  },
});
