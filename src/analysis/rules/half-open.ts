import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'half-open',
  severity: 'warning',
  rfc: 'RFC 9293 §3.5.3 (half-open connections and other anomalies)',
  doc: `Set when any of the following is true:
        - one side keeps sending (any segment but a RST) after the other side reset the connection
        - the handshake stopped half way: the server answered with SYN,ACK and nothing more came from the client`,
  onSegment(ctx) {
    const { seg, receiver } = ctx;
    if (seg.rst || !receiver.sawRst || receiver.state !== 'CLOSED') return;
    const m = ctx.memo(() => ({ reported: false }));
    if (m.reported) return;
    m.reported = true;
    ctx.report(seg.frame, ctx.side, `the ${ctx.side} keeps sending after the ${ctx.peerSide} reset the connection: it does not know the connection is gone`);
  },
  onEnd(ctx) {
    const { conn } = ctx;
    const client = conn.endpointOf('client');
    const server = conn.endpointOf('server');
    if (conn.rolesInferred || server.state !== 'SYN-RECEIVED' || client.state !== 'ESTABLISHED') return;
    if (client.packets > conn.changes.filter((c) => c.to === 'SYN-SENT').length) return;
    ctx.report(conn.firstFrame, 'server', `the server answered with SYN,ACK but the client never completed the handshake: the server is left in SYN-RECEIVED`);
  },
});
