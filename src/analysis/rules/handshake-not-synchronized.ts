import { seqAdd } from '../../tcp/seq.js';
import { defineAnomaly } from '../anomaly.js';

export default defineAnomaly({
  id: 'handshake-not-synchronized',
  severity: 'warning',
  zeek: 'bad_SYN_ack',
  rfc: 'RFC 9293 §3.5, §3.10.7.3',
  doc: `Set when any of the following is true:
        - a SYN,ACK arrives in SYN-SENT whose ACK is not the SYN's sequence number + 1
        - the ACK that should complete the handshake (the first non-SYN segment from the SYN's sender
          after the SYN,ACK) does not acknowledge the SYN,ACK's sequence number + 1`,
  onSegment(ctx) {
    const { seg, sender, receiver, receiverBefore, senderBefore } = ctx;
    if (seg.syn && seg.hasAck && !seg.rst && receiverBefore === 'SYN-SENT' && receiver.hasIsn && seg.ack !== seqAdd(receiver.isn, 1)) {
      ctx.report(seg.frame, ctx.side, `SYN,ACK from the ${ctx.side} acknowledges ${seg.ack}, not the SYN's ${receiver.isn} + 1 = ${seqAdd(receiver.isn, 1)}`);
      return;
    }
    if (!seg.syn && !seg.rst && seg.hasAck && senderBefore === 'ESTABLISHED' && receiverBefore === 'SYN-RECEIVED' && receiver.hasIsn && seg.ack !== seqAdd(receiver.isn, 1)) {
      const m = ctx.memo(() => ({ done: false }));
      if (m.done) return;
      m.done = true;
      ctx.report(seg.frame, ctx.side, `the third ACK from the ${ctx.side} acknowledges ${seg.ack}, not the SYN,ACK's ${receiver.isn} + 1 = ${seqAdd(receiver.isn, 1)}`);
    }
    void sender;
  },
});
