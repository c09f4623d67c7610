/**
 * tcp.analysis.reused_ports — "TCP Port numbers reused".
 *
 * Set on a segment when all of the following are true (packet-tcp.c, dissect_tcp, Wireshark 4.0):
 * - SYN is set and ACK is not (other flags may be set too);
 * - its direction's base sequence number is known;
 * - its sequence number differs from that base.
 * That segment also starts a new conversation, a new tcp.stream (see tcp/streams.ts, where the
 * tracker decides it). Or:
 * - SYN and ACK are both set;
 * - its direction's base sequence number is known and differs from its sequence number.
 * The SYN,ACK does not start a new stream; the base is moved to its sequence number (issue 16944):
 * tcp/relative-seq.ts WiresharkBases.update decides it (BaseEvent.synAckRebased), and
 * sequence-analysis.ts sets the flag.
 *
 * A SYN with the same sequence number as the base, even after a RST or FIN, stays in the stream
 * and is a retransmission.
 */
export { isNewStreamSyn } from '../../tcp/streams.js';
