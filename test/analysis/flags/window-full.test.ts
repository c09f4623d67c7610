/** tcp.analysis.window_full (src/analysis/flags/window-full.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('window_full', {
  flagged: {
    'window-full': {
      4: 'ends at the SYN,ACK\'s window, unscaled: the server has sent no pure ACK yet',
      7: 'ends at the edge of 600 << 1',
      10: 'the server fills the client\'s 1000 << 2, across its wrap',
    },
  },
  clean: {
    'window-full': { 9: 'below the edge' },
    'window-full-unknown-scale': { 3: 'at the edge of the raw window, but the scale is unknown' },
  },
});
