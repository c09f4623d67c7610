import { Flag } from '../flags/flag-bits.js';
import { defineAnomaly } from '../anomaly.js';

/** Linux's TCP_RTO_MIN (200 ms): RFC 6298's 1 s floor would hide the timeouts of Linux senders. */
const RTO_MIN_NS = 200e6;
/** RFC 6298 §2.1: the RTO before any RTT sample. */
const RTO_INITIAL_NS = 1e9;

export default defineAnomaly({
  id: 'retransmission-timeout',
  severity: 'warning',
  wireshark: 'tcp.analysis.retransmission (not fast) after tcp.time_delta > RTO',
  rfc: 'RFC 6298 §2, §5',
  doc: `Set when all of the following are true:
        - a segment is a retransmission by Wireshark's rules (tcp.analysis.retransmission, or spurious_retransmission), not a fast retransmission
        - it is not a SYN (a resent SYN is the handshake's timer: syn-retransmitted and unanswered-syn tell it)
        - its sender had sent nothing for at least its retransmission timeout: RFC 6298's SRTT + 4·RTTVAR from the RTTs of its data as the peer ACKed it (Wireshark's tcp.analysis.ack_rtt), at least 200 ms (Linux's minimum), or 1 s before any RTT sample
        Reported for each such retransmission, with the silence before it and the timeout: the sender waited for its timer, the slow path of loss recovery.`,
  onSegment(ctx) {
    const bits = ctx.wireshark.frameFlags;
    if ((bits & (Flag.retransmission | Flag.spurious_retransmission)) === 0 || (bits & Flag.fast_retransmission) !== 0 || ctx.seg.syn) return;
    const silence = ctx.wireshark.frameSilenceNs;
    if (silence < 0) return;
    const flow = ctx.wireshark.flow(ctx.sender === ctx.conn.a);
    const rto = flow.rttSamples === 0 ? RTO_INITIAL_NS : Math.max(RTO_MIN_NS, flow.srttNs + 4 * flow.rttvarNs);
    if (silence < rto) return;
    const basis = flow.rttSamples === 0 ? 'no RTT sample yet (RFC 6298 §2.1)' : `SRTT ${(flow.srttNs / 1e6).toFixed(1)} ms from ${flow.rttSamples} sample${flow.rttSamples === 1 ? '' : 's'}`;
    ctx.report(ctx.seg.frame, ctx.side, `the ${ctx.side} resent after ${(silence / 1e6).toFixed(1)} ms of silence, past its retransmission timeout of ${(rto / 1e6).toFixed(1)} ms (${basis})`);
  },
});
