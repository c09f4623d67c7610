/** tcp.analysis.duplicate_ack, its number and frame (src/analysis/flags/duplicate-ack.ts). */
import { expect, test } from 'vitest';
import { join } from 'node:path';
import { flagTable } from '../../support/flag-table.js';
import { ORACLE_DIR, tcplensView } from '../../support/wireshark-oracle.js';

flagTable('duplicate_ack', {
  flagged: {
    'duplicate-ack': { 6: '#1 of 5', 7: '#2 of 5', 9: '#3 of 5: the window changed, the ACK did not', 12: 'the client\'s #1 of 11' },
    'fast-retransmission': { 8: '', 9: '', 13: '', 14: '', 15: '' },
  },
  clean: {
    'duplicate-ack': { 8: 'a new window: a window update', 10: 'carries data' },
    'zero-window': { 7: 'a zero-window-probe ACK is not also a duplicate' },
    'keep-alive': { 7: 'a keep-alive ACK is not also a duplicate' },
  },
});

test('the duplicate number counts on across a window update and names the frame it duplicates', async () => {
  const v = await tcplensView(join(ORACLE_DIR, 'crafted', 'duplicate-ack.pcap'));
  const dup = (f: number): string => `${v.get(f)?.['tcp.analysis.duplicate_ack_num']} of ${v.get(f)?.['tcp.analysis.duplicate_ack_frame']}`;
  expect([6, 7, 9, 12].map(dup)).toEqual(['1 of 5', '2 of 5', '3 of 5', '1 of 11']);
});
