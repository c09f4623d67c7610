/** tcp.analysis.zero_window_probe_ack (src/analysis/flags/zero-window-probe-ack.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('zero_window_probe_ack', {
  flagged: {
    'zero-window': { 7: 'repeats ACK and zero window after a probe', 9: 'after the second probe' },
    'zero-window-probe-server': { 7: 'the client answers the server\'s probe' },
  },
  clean: {
    'zero-window': { 5: 'no probe came before', 12: 'no probe came before' },
  },
});
