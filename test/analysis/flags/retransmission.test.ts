/** tcp.analysis.retransmission (src/analysis/flags/retransmission.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('retransmission', {
  flagged: {
    retransmission: { 5: 'client data resent 200 ms later', 8: 'server data resent, across its wrap', 11: 'a FIN resent' },
    'fast-retransmission': { 10: 'fast retransmissions show it too', 16: 'resent 28 ms after the last duplicate ACK' },
    'spurious-retransmission': { 6: 'spurious ones show it too', 8: 'resent before it was acknowledged' },
    'reused-ports': { 9: 'a SYN resent with the same ISN after a RST' },
    'out-of-order': { 9: 'filling a hole 66 ms later, beyond the initial RTT' },
  },
  clean: {
    retransmission: { 4: 'new data', 7: 'new server data', 10: 'the first FIN' },
    'sequence-zero': { 6: 'nextseq is raw 0, which Wireshark reads as unset' },
    'out-of-order': { 6: 'within the initial RTT: out of order instead' },
    'keep-alive': { 6: 'a keep-alive is not a retransmission', 8: 'nor one with a byte' },
  },
});
