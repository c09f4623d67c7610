/** tcp.analysis.lost_segment (src/analysis/flags/lost-segment.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('lost_segment', {
  flagged: {
    'lost-segment': { 5: 'the client skips 100 bytes', 8: 'the server skips 20, across its wrap' },
    'out-of-order': { 5: 'the hole that frame 6 fills' },
    'reused-ports': { 10: 'a SYN,ACK far beyond the RST that set the base' },
  },
  clean: {
    'lost-segment': { 10: 'a RST far ahead is never lost_segment' },
  },
});
