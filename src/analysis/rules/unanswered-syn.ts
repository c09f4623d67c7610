import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'unanswered-syn',
  severity: 'warning',
  zeek: 'S0',
  rfc: 'RFC 9293 §3.5; §3.8.1 (SYN retransmission)',
  doc: `Set when all of the following are true:
        - the client sent a SYN
        - nothing at all was captured from the server in this connection: it stays UNSEEN (down,
          filtered, or the SYN never reached it; a listener whose queue is full drops SYNs too)
        - the client never acknowledged a SYN,ACK (its ACK would show one came back, uncaptured)
        The detail says how many SYNs over how long. (A refused SYN gets rst-refused; a SYN answered
        by SYN,ACK that is never completed is counted by syn-flood.)`,
  onEnd(ctx) {
    const { conn } = ctx;
    const client = conn.endpointOf('client');
    const server = conn.endpointOf('server');
    if (!client.hasIsn || client.synCount === 0 || server.packets > 0 || conn.rolesInferred) return;
    // The client's own ACK shows a SYN,ACK did come back, only uncaptured (a one-sided capture).
    const clientName = conn.clientIsA ? 'a' : 'b';
    if (conn.changes.some((c) => c.endpoint === clientName && c.from === 'SYN-SENT' && c.to === 'ESTABLISHED' && c.evidence !== 'contradicted')) return;
    const span = client.lastSynTime - (conn.firstSec + conn.firstNsec / 1e9);
    const n = client.synCount;
    const over = n === 1 ? '' : ` over ${span.toFixed(3)} s (frames ${conn.firstFrame} to ${client.lastSynFrame})`;
    const still = client.state === 'SYN-SENT' ? `; the client is still SYN-SENT at ${ctx.atCaptureEnd ? 'capture end' : 'its last packet'}` : '';
    ctx.report(conn.firstFrame, 'client', `${n} SYN${n === 1 ? '' : 's'}${over}, and nothing came back from the server${still}`);
  },
});
