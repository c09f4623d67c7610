/** tcp.analysis.keep_alive (src/analysis/flags/keep-alive.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('keep_alive', {
  flagged: {
    'keep-alive': { 6: 'no payload at nextseq − 1', 8: 'one byte at nextseq − 1', 10: 'the server\'s, across its wrap' },
  },
  clean: {
    'keep-alive': { 12: 'a RST is never a keep-alive' },
  },
});
