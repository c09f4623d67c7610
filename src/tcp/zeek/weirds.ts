/**
 * Zeek's TCP weirds, one entry each: where Zeek raises it, when (the condition of its Weird("…")
 * call, as the Zeek model in session.ts implements it), and weird.zeek's default action
 * (Weird::actions; report/formats/zeek-weird.ts applies it). Sources: zeek/zeek mirror HEAD
 * a13de64f, src/packet_analysis/protocol/tcp/{TCPSessionAdapter,TCP}.cc and
 * src/analyzer/protocol/tcp/{TCP_Endpoint,TCP_Reassembler}.cc; every name is tested in
 * test/tcp/zeek/weirds.test.ts from the packets that raise it.
 *
 * Not modelled: bad_TCP_header_len and truncated_header (TCPAnalyzer::ExtractTCP_Header): a TCP
 * header that is too short or cut is a decode issue in tcplens (`packets`), and such a packet
 * reaches no connection; RST_with_data is commented out in Zeek; the tcp_option_*_invalid_len
 * weirds (ParseTCPOptions) are raised only when a script handles the tcp_options event, which
 * Zeek's default scripts do not.
 */

export type WeirdAction = 'IGNORE' | 'LOG' | 'LOG_ONCE' | 'LOG_PER_CONN' | 'LOG_PER_ORIG' | 'NOTICE' | 'NOTICE_ONCE' | 'NOTICE_PER_CONN' | 'NOTICE_PER_ORIG';

export interface WeirdSpec {
  /** Zeek's function that calls Weird("…"). */
  zeek: string;
  /** When it is raised, in the model's terms. */
  when: string;
  /** weird.zeek's Weird::actions entry. */
  action: WeirdAction;
  /** Why no packets can raise it, when Zeek's own code makes it unreachable (kept: session.ts mirrors the call). */
  unreachable?: string;
}

const ADAPTER = 'TCPSessionAdapter';

export const ZEEK_WEIRDS = {
  bad_TCP_checksum: { zeek: 'TCPAnalyzer::ValidateChecksum (TCP.cc)', when: 'the TCP checksum is wrong and the payload was captured whole (not with -C / --zeek-ignore-checksums); the packet is then skipped', action: 'LOG_PER_ORIG' },
  TCP_seq_underflow_or_misorder: { zeek: `${ADAPTER}::Process`, when: 'a segment other than a RST starts before its endpoint\'s first sequence number (get_relative_seq underflows)', action: 'LOG' },
  FIN_storm: { zeek: `${ADAPTER}::Process`, when: 'an endpoint has sent tcp_storm_thresh (1,000) FINs and this one follows the last packet within tcp_storm_interarrival_thresh (1 s)', action: 'NOTICE_PER_ORIG' },
  RST_storm: { zeek: `${ADAPTER}::Process`, when: 'an endpoint has sent tcp_storm_thresh (1,000) RSTs and this one follows the last packet within tcp_storm_interarrival_thresh (1 s)', action: 'LOG' },
  TCP_ack_underflow_or_misorder: { zeek: `${ADAPTER}::Process`, when: 'an ACK number before the peer\'s sequence space (get_relative_seq underflows), the peer no longer INACTIVE', action: 'LOG' },
  SYN_seq_jump: { zeek: 'init_endpoint; TCPSessionAdapter::IsReuse', when: 'a SYN whose sequence number differs from its endpoint\'s start (init_endpoint), or a bare SYN with a new sequence number while the originator is in SYN_SENT (IsReuse)', action: 'LOG' },
  SYN_inside_connection: { zeek: 'init_endpoint', when: 'a SYN from an ESTABLISHED or PARTIAL endpoint that has already sent data', action: 'LOG' },
  window_recision: { zeek: 'update_window', when: 'the right edge of an advertised window (ack + scaled window) moves back by at least 2^scale, once window scaling was negotiated', action: 'LOG' },
  TCP_christmas: { zeek: `${ADAPTER}::SynWeirds`, when: 'a SYN with RST', action: 'LOG' },
  baroque_SYN: { zeek: `${ADAPTER}::SynWeirds`, when: 'a SYN with URG', action: 'LOG' },
  SYN_with_data: { zeek: `${ADAPTER}::SynWeirds`, when: 'a SYN carrying payload', action: 'LOG_PER_ORIG' },
  TCP_scale_range: { zeek: 'init_window', when: 'a window scale option above 14 (RFC 7323 §2.3), addl the value', action: 'LOG' },
  possible_split_routing: { zeek: 'init_peer', when: 'the originator sent a SYN, the responder is still INACTIVE, and the originator acknowledges data it never saw', action: 'LOG' },
  connection_originator_SYN_ack: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'the originator\'s first packet is a SYN,ACK', action: 'LOG_PER_ORIG' },
  bad_SYN_ack: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'the responder\'s SYN,ACK acknowledges a number outside the originator\'s sequence space', action: 'LOG' },
  simultaneous_open: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'the responder\'s first packet is a bare SYN that is not the SYN and SYN,ACK swapped (IsReuse takes most such SYNs first, as SYN_seq_jump)', action: 'LOG_PER_CONN' },
  unsolicited_SYN_response: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'the responder\'s first packet is a SYN or SYN,ACK while the originator is INACTIVE', action: 'IGNORE' },
  spontaneous_FIN: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'a FIN from an INACTIVE endpoint whose peer is not PARTIAL', action: 'IGNORE' },
  spontaneous_RST: { zeek: `${ADAPTER}::UpdateInactiveState`, when: 'a RST that is not a reject (its peer never sent a SYN) from an INACTIVE endpoint whose peer is INACTIVE', action: 'IGNORE' },
  repeated_SYN_with_ack: { zeek: `${ADAPTER}::UpdateSYN_SentState`, when: 'the originator in SYN_SENT sends a SYN,ACK (without FIN or RST)', action: 'LOG' },
  repeated_SYN_reply_wo_ack: { zeek: `${ADAPTER}::UpdateSYN_SentState`, when: 'the responder in SYN_ACK_SENT sends a SYN without ACK', action: 'LOG' },
  inappropriate_FIN: { zeek: `${ADAPTER}::UpdateSYN_SentState`, when: 'a FIN from an endpoint in SYN_SENT or SYN_ACK_SENT while its peer is INACTIVE or SYN_SENT', action: 'LOG' },
  data_before_established: { zeek: `${ADAPTER}::UpdateSYN_SentState`, when: 'payload without RST from an endpoint in SYN_SENT or SYN_ACK_SENT', action: 'LOG' },
  SYN_after_partial: { zeek: `${ADAPTER}::UpdateEstablishedState`, when: 'a SYN without ACK from an endpoint in PARTIAL (seen only mid-stream) whose peer is INACTIVE', action: 'NOTICE_PER_ORIG' },
  SYN_after_close: { zeek: `${ADAPTER}::UpdateClosedState`, when: 'a SYN from an endpoint that sent its FIN (CLOSED)', action: 'LOG' },
  FIN_advanced_last_seq: { zeek: `${ADAPTER}::UpdateClosedState`, when: 'another FIN from a CLOSED endpoint that moves its last sequence number forward', action: 'LOG' },
  SYN_after_reset: { zeek: `${ADAPTER}::UpdateResetState`, when: 'a SYN from an endpoint that sent a RST', action: 'LOG' },
  FIN_after_reset: { zeek: `${ADAPTER}::UpdateResetState`, when: 'a FIN from an endpoint that sent a RST', action: 'IGNORE' },
  data_after_reset: { zeek: `${ADAPTER}::UpdateResetState`, when: 'payload without RST from an endpoint that sent a RST', action: 'LOG' },
  pending_data_when_closed: {
    zeek: `${ADAPTER}::EndpointEOF`,
    when: 'a deferred close goes ahead while reassembled data is still undelivered and both endpoints closed',
    action: 'LOG',
    unreachable: 'EndpointEOF runs only from TCP_Reassembler::CheckEOF once DataPending() is false, and the weird needs the same DataPending() to be true',
  },
  active_connection_reuse: { zeek: `${ADAPTER}::IsReuse`, when: 'a bare SYN with a new sequence number (IsReuse) while neither endpoint closed and the originator is past SYN_SENT, or while one is still active and neither reset', action: 'LOG' },
  premature_connection_reuse: { zeek: `${ADAPTER}::IsReuse`, when: 'a new SYN on a closed connection sooner than tcp_connection_linger (5 s) after its last packet, neither side reset', action: 'LOG' },
  truncated_tcp_payload: { zeek: 'TCP_Endpoint::DataSent', when: 'a segment\'s payload is cut by the snap length (caplen < len), so it cannot be reassembled', action: 'LOG' },
  above_hole_data_without_any_acks: { zeek: 'TCP_Reassembler::DataSent', when: 'more than tcp_max_above_hole_without_any_acks (16,384) bytes wait above a hole and none of the endpoint\'s data was ever acknowledged', action: 'LOG' },
  excessive_data_without_further_acks: { zeek: 'TCP_Reassembler::DataSent', when: 'more than tcp_excessive_data_without_further_acks (10 MiB) are buffered unacknowledged', action: 'LOG' },
} as const satisfies Record<string, WeirdSpec>;

export type ZeekWeirdName = keyof typeof ZEEK_WEIRDS;

export const ZEEK_WEIRD_NAMES = Object.keys(ZEEK_WEIRDS) as ZeekWeirdName[];
