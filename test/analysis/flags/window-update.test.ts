/** tcp.analysis.window_update (src/analysis/flags/window-update.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('window_update', {
  flagged: {
    'window-update': { 6: 'a new window on a pure ACK', 8: 'reopened after a zero window', 11: 'the client\'s' },
    'duplicate-ack': { 8: 'the window changed' },
    'zero-window': { 10: 'the window that ends the stall' },
    'zero-window-probe-server': { 8: '' },
  },
  clean: {
    'window-update': { 7: 'a zero window is not an update', 10: 'a new ACK number' },
  },
});
