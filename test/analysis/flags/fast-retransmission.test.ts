/** tcp.analysis.fast_retransmission (src/analysis/flags/fast-retransmission.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('fast_retransmission', {
  flagged: {
    'fast-retransmission': { 10: 'two duplicate ACKs, at their ACK number, 8 ms after the last' },
  },
  clean: {
    'fast-retransmission': { 16: 'three duplicate ACKs, but 28 ms after the last (over 20 ms)' },
    retransmission: { 5: 'no duplicate ACKs' },
  },
});
