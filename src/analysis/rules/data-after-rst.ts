import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'data-after-rst',
  severity: 'warning',
  zeek: 'data_after_reset',
  rfc: 'RFC 9293 §3.10.7.4',
  doc: `Set when all of the following are true:
        - the segment carries payload and has RST clear
        - a RST was sent earlier in this connection, by either side, that its receiver had to
          accept (in window): a RST its receiver must ignore does not end the connection`,
  onSegment(ctx) {
    const { seg, sender, receiver } = ctx;
    if (seg.len === 0 || seg.rst) return;
    // sender.rstAcceptedFrame: it accepted the peer's RST; receiver.rstAcceptedFrame: the peer accepted its RST.
    const rstFrame = sender.rstAcceptedFrame || receiver.rstAcceptedFrame;
    if (rstFrame === 0) return;
    const m = ctx.memo(() => ({ count: 0 }));
    if (m.count++ > 0) return;
    const whose = sender.rstAcceptedFrame !== 0 ? `the ${ctx.peerSide}'s` : 'its own';
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} sent ${seg.len} bytes after ${whose} RST (frame ${rstFrame}), which its receiver accepted`);
  },
});
