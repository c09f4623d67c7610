/** tcp.analysis.zero_window_probe (src/analysis/flags/zero-window-probe.ts). */
import { flagTable } from '../../support/flag-table.js';

flagTable('zero_window_probe', {
  flagged: {
    'zero-window': { 6: 'one byte at nextseq into a zero window', 8: 'the next probe, same byte' },
    'zero-window-probe-server': { 6: 'the server probes, across its wrap' },
  },
  clean: {
    'zero-window': { 11: 'the window is open again', 14: 'two bytes are not a probe' },
    'keep-alive': { 8: 'one byte at nextseq − 1 into an open window: a keep-alive' },
  },
});
