import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'midstream',
  severity: 'note',
  zeek: 'OTH, PARTIAL endpoints',
  doc: `Set when all of the following are true:
        - the connection's first captured segment is not a SYN (with or without ACK)
        The capture began inside the connection; states before it are unknown.`,
  onSegment(ctx) {
    if (ctx.seg.frame !== ctx.conn.firstFrame || ctx.seg.syn) return;
    ctx.report(ctx.seg.frame, null, `the first captured segment (from the ${ctx.side}) is not a SYN: the capture began inside the connection`);
  },
});
