/**
 * Wireshark's analysis flags as bits (packet-tcp.c `TCP_A_*`), and their `tcp.analysis.*` names.
 * A frame's flags are one number on the hot path; names are made only for output.
 */
export const Flag = {
  retransmission: 0x0001,
  lost_segment: 0x0002,
  ack_lost_segment: 0x0004,
  keep_alive: 0x0008,
  duplicate_ack: 0x0010,
  zero_window: 0x0020,
  zero_window_probe: 0x0040,
  zero_window_probe_ack: 0x0080,
  keep_alive_ack: 0x0100,
  out_of_order: 0x0200,
  fast_retransmission: 0x0400,
  window_update: 0x0800,
  window_full: 0x1000,
  reused_ports: 0x2000,
  spurious_retransmission: 0x4000,
} as const;

/** Every flag tcplens reports, in the order of the User's Guide's "TCP Analysis" section. */
export const WIRESHARK_FLAGS = [
  'retransmission',
  'fast_retransmission',
  'spurious_retransmission',
  'out_of_order',
  'lost_segment',
  'ack_lost_segment',
  'duplicate_ack',
  'zero_window',
  'zero_window_probe',
  'zero_window_probe_ack',
  'window_full',
  'window_update',
  'keep_alive',
  'keep_alive_ack',
  'reused_ports',
] as const satisfies readonly (keyof typeof Flag)[];
export type WiresharkFlag = (typeof WIRESHARK_FLAGS)[number];

/**
 * The `tcp.analysis.*` fields a frame with these bits carries. tshark also sets
 * tcp.analysis.retransmission on fast and spurious retransmissions (packet-tcp.c,
 * tcp_sequence_number_analysis_print_retransmission adds ei_tcp_analysis_retransmission to both).
 */
export function flagNames(bits: number): WiresharkFlag[] {
  const names: WiresharkFlag[] = [];
  const shown = bits & Flag.fast_retransmission || bits & Flag.spurious_retransmission ? bits | Flag.retransmission : bits;
  for (const name of WIRESHARK_FLAGS) if (shown & Flag[name]) names.push(name);
  return names;
}

/** Whether a frame with these bits carries the field `tcp.analysis.<name>`. */
export function hasFlag(bits: number, name: WiresharkFlag): boolean {
  if (name === 'retransmission') return (bits & (Flag.retransmission | Flag.fast_retransmission | Flag.spurious_retransmission)) !== 0;
  return (bits & Flag[name]) !== 0;
}
