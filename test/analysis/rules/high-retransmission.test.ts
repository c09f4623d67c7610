/** high-retransmission (src/analysis/rules/high-retransmission.ts), on the crafted captures of test/fixtures/wireshark. */
import { join } from 'node:path';
import { captureRuleCases } from './capture-tester.js';
import { ORACLE_DIR } from '../../support/wireshark-oracle.js';

const crafted = (name: string): string => join(ORACLE_DIR, 'crafted', `${name}.pcap`);

captureRuleCases('high-retransmission', {
  valid: [
    { name: 'two of three segments resent, but under 10 data segments', capture: crafted('retransmission'), expect: [] },
    { name: '15.4 % resent is under a 20 % threshold', capture: crafted('lossy'), options: { retransmissionShare: 0.2 }, expect: [] },
  ],
  invalid: [
    {
      name: 'a bulk sender resends 200 of its 1300 payload bytes (Wireshark: frames 14 and 21 are retransmissions)',
      capture: crafted('lossy'),
      expect: ['client@1'],
      details: [/the client resent 200 of the 1300 payload bytes it sent \(15\.4 %, over 5\.0 %\) in 13 data segments/],
    },
  ],
});
