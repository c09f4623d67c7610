import { defineAnomaly } from '../anomaly.js';

/** Fewer data segments than this say too little about a share. */
const MIN_DATA_SEGMENTS = 10;

export default defineAnomaly({
  id: 'high-retransmission',
  severity: 'warning',
  wireshark: 'tcp.analysis.retransmission bytes / tcp.len bytes per direction',
  doc: `Set when all of the following are true:
        - a direction sent at least 10 segments with payload
        - the payload bytes of its retransmissions (Wireshark's tcp.analysis.retransmission, fast and spurious ones included) are more than --retransmission-share (default 0.05, 5 %) of all the payload bytes it sent
        Reported once per direction when the connection ends, with both byte counts and the share: the path loses packets, or the sender times out too early.`,
  onEnd(ctx, opts) {
    for (const side of ['client', 'server'] as const) {
      const flow = ctx.wireshark.flow((side === 'client') === ctx.conn.clientIsA);
      if (flow.dataSegments < MIN_DATA_SEGMENTS || flow.payloadBytes === 0) continue;
      const share = flow.resentBytes / flow.payloadBytes;
      if (share <= opts.retransmissionShare) continue;
      ctx.report(ctx.conn.firstFrame, side, `the ${side} resent ${flow.resentBytes} of the ${flow.payloadBytes} payload bytes it sent (${(share * 100).toFixed(1)} %, over ${(opts.retransmissionShare * 100).toFixed(1)} %) in ${flow.dataSegments} data segments`);
    }
  },
});
