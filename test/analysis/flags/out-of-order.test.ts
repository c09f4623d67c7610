/** tcp.analysis.out_of_order (src/analysis/flags/out-of-order.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('out_of_order', {
  flagged: {
    'out-of-order': { 6: 'fills the hole 1 ms after nextseq moved; the initial RTT is 20 ms' },
  },
  clean: {
    'out-of-order': { 9: '66 ms after nextseq moved: a retransmission' },
    retransmission: { 5: '200 ms later' },
  },
});
