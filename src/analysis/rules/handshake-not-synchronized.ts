import { seqAdd } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'handshake-not-synchronized',
  severity: 'warning',
  zeek: 'bad_SYN_ack',
  rfc: 'RFC 9293 §3.5, §3.10.7.3; RFC 7413 §3 (TCP Fast Open)',
  doc: `Set when any of the following is true:
        - a SYN,ACK arrives in SYN-SENT whose ACK is neither the SYN's sequence number + 1 nor, when
          the SYN carried data (TCP Fast Open), the SYN's sequence number + 1 + its length
        - the ACK that should complete the handshake (the first non-SYN segment from the SYN's sender
          after the SYN,ACK) does not acknowledge the SYN,ACK's sequence number + 1`,
  onSegment(ctx) {
    const { seg, receiver, receiverBefore, senderBefore } = ctx;
    if (seg.syn && seg.hasAck && !seg.rst && receiverBefore === 'SYN-SENT' && receiver.hasIsn) {
      const synOnly = seqAdd(receiver.isn, 1);
      // RFC 7413 §3: the server acknowledges the SYN's data when it accepts the cookie.
      if (seg.ack === synOnly || (receiver.synDataLen > 0 && seg.ack === seqAdd(synOnly, receiver.synDataLen))) return;
      const tfo = receiver.synDataLen > 0 ? ` or, with its ${receiver.synDataLen} bytes of SYN data, ${seqAdd(synOnly, receiver.synDataLen)}` : '';
      ctx.report(seg.frame, ctx.side, `SYN,ACK from the ${ctx.side} acknowledges ${seg.ack}, not the SYN's ${receiver.isn} + 1 = ${synOnly}${tfo}`);
      return;
    }
    if (!seg.syn && !seg.rst && seg.hasAck && senderBefore === 'ESTABLISHED' && receiverBefore === 'SYN-RECEIVED' && receiver.hasIsn && seg.ack !== seqAdd(receiver.isn, 1)) {
      const m = ctx.memo(() => ({ done: false }));
      if (m.done) return;
      m.done = true;
      ctx.report(seg.frame, ctx.side, `the third ACK from the ${ctx.side} acknowledges ${seg.ack}, not the SYN,ACK's ${receiver.isn} + 1 = ${seqAdd(receiver.isn, 1)}`);
    }
  },
});
