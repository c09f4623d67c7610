/** tcp.analysis.zero_window (src/analysis/flags/zero-window.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('zero_window', {
  flagged: {
    'zero-window': { 5: 'window 0', 7: 'still 0 (a probe ACK)', 9: 'still 0', 12: 'closed again' },
    'zero-window-probe-server': { 5: 'the client\'s window 0', 7: '' },
    'window-update': { 7: 'a zero window between updates' },
  },
  clean: {
    'zero-window': { 13: 'a FIN with window 0 is not flagged' },
    'reused-ports': { 8: 'a RST with window 0 is not flagged' },
  },
});
