/** tcp.analysis.keep_alive_ack (src/analysis/flags/keep-alive-ack.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('keep_alive_ack', {
  flagged: {
    'keep-alive': { 7: 'repeats the ACK after a keep-alive', 9: 'after a one-byte keep-alive', 11: 'the client answering the server\'s' },
  },
  clean: {
    'duplicate-ack': { 6: 'the same numbers, but no keep-alive came before' },
  },
});
