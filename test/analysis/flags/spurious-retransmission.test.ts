/** tcp.analysis.spurious_retransmission (src/analysis/flags/spurious-retransmission.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('spurious_retransmission', {
  flagged: {
    'spurious-retransmission': { 6: 'every byte was acknowledged by frame 5' },
    tfo: { 6: 'a SYN with data resent after the SYN,ACK acknowledged it' },
  },
  clean: {
    'spurious-retransmission': { 8: 'resent before any ACK covered it' },
    'sequence-zero': { 6: 'the peer\'s ACK is raw 0, which Wireshark reads as none' },
  },
});
