import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'long-close-wait',
  severity: 'warning',
  rfc: 'RFC 9293 §3.6',
  doc: `Set when all of the following are true:
        - a side received the peer's FIN (entered CLOSE-WAIT)
        - it did not send its own FIN (or RST) for longer than --long-close-wait seconds, or until the
          end of the capture if that came later than the threshold
        The application behind it never closed its socket.`,
  onEnd(ctx, opts) {
    const { conn } = ctx;
    for (const c of conn.changes) {
      if (c.to !== 'CLOSE-WAIT') continue;
      const start = c.tsSec + c.tsNsec / 1e9;
      const left = conn.changes.find((x) => x.endpoint === c.endpoint && x.from === 'CLOSE-WAIT');
      const end = left ? left.tsSec + left.tsNsec / 1e9 : ctx.captureEnd;
      const side = conn.sideOf(c.endpoint);
      if (end - start > opts.longCloseWaitSeconds) {
        ctx.report(c.frame ?? conn.firstFrame, side, `the ${side} stayed in CLOSE-WAIT for ${(end - start).toFixed(1)} s${left ? '' : ' (until the end of the capture)'}, more than ${opts.longCloseWaitSeconds} s`);
      }
    }
  },
});
