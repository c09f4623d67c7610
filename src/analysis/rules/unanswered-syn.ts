import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'unanswered-syn',
  severity: 'warning',
  zeek: 'S0',
  rfc: 'RFC 9293 §3.5',
  doc: `Set when all of the following are true:
        - the client sent a SYN
        - nothing at all was captured from the server in this connection
        (A refused SYN gets rst-refused; a SYN answered by SYN,ACK that is never completed is half-open.)`,
  onEnd(ctx) {
    const { conn } = ctx;
    const client = conn.endpointOf('client');
    const server = conn.endpointOf('server');
    if (!client.hasIsn || server.packets > 0 || conn.rolesInferred) return;
    ctx.report(conn.firstFrame, 'client', `the client's SYN (frame ${conn.firstFrame}, sent ${client.packets} time${client.packets === 1 ? '' : 's'}) got no answer`);
  },
});
