/**
 * What the tracker (tracker.ts) files a connection under, kept on the connection so it can find
 * it again and tell the packet's direction without rebuilding strings: endpoint a's address as a
 * comparable key, and for IPv4 its number and the two-number key of the four-tuple.
 */
export class FlowIndex {
  /** Endpoint a's address as the tracker compares it (IPv6 and other non-IPv4). */
  sourceKeyA = '';
  /** IPv4: endpoint a's address·2^16 + port. */
  sourceNumA = 0;
  /** IPv4: the four-tuple's key in the tracker's two-level map. */
  keyLo = 0;
  keyHi = 0;
}
