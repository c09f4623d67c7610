import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'data-after-rst',
  severity: 'warning',
  zeek: 'data_after_reset',
  rfc: 'RFC 9293 §3.10.7.4',
  doc: `Set when all of the following are true:
        - the segment carries payload and has RST clear
        - either side sent an accepted RST earlier in this connection`,
  onSegment(ctx) {
    const { seg, sender, receiver } = ctx;
    if (seg.len === 0 || seg.rst || (!sender.sawRst && !receiver.sawRst)) return;
    const m = ctx.memo(() => ({ count: 0 }));
    if (m.count++ > 0) return;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} sent ${seg.len} bytes after ${sender.sawRst ? 'its own' : `the ${ctx.peerSide}'s`} RST`);
  },
});
