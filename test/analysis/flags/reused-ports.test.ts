/** tcp.analysis.reused_ports and the new tcp.stream (src/analysis/flags/reused-ports.ts, src/tcp/streams.ts). */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { flagTable } from '../../support/flag-table.js';
import { ORACLE_DIR, tcplensView } from '../../support/wireshark-oracle.js';

flagTable('reused_ports', {
  flagged: {
    'reused-ports': { 7: 'a SYN with a new ISN after the close', 10: 'a SYN,ACK with a sequence number other than the base' },
  },
  clean: {
    'reused-ports': { 9: 'the same ISN again after the RST: a retransmission' },
    tfo: { 6: 'the SYN with data resent with its ISN' },
  },
});

test('the new ISN starts stream 1; the resent SYN and the rebasing SYN,ACK stay in it', async () => {
  const v = await tcplensView(join(ORACLE_DIR, 'crafted', 'reused-ports.pcap'));
  expect([...v.values()].map((r) => r['tcp.stream'])).toEqual(['0', '0', '0', '0', '0', '0', '1', '1', '1', '1', '1']);
});
