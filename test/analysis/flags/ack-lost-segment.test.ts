/** tcp.analysis.ack_lost_segment (src/analysis/flags/ack-lost-segment.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('ack_lost_segment', {
  flagged: {
    'lost-segment': { 6: 'the server ACKs the 100 bytes never seen', 9: 'the client ACKs the 20 never seen' },
    'reused-ports': { 11: 'the client ACKs a SYN,ACK beyond what it saw of the server' },
  },
  clean: {
    retransmission: { 6: 'an ACK of seen data' },
  },
});
