/** retransmission-timeout (src/analysis/rules/retransmission-timeout.ts), on the crafted captures of test/fixtures/wireshark. */
import { join } from 'node:path';
import { captureRuleCases } from './capture-tester.js';
import { ORACLE_DIR } from '../../support/wireshark-oracle.js';

const crafted = (name: string): string => join(ORACLE_DIR, 'crafted', `${name}.pcap`);

captureRuleCases('retransmission-timeout', {
  valid: [
    { name: 'fast retransmissions are not timeouts', capture: crafted('fast-retransmission'), expect: [] },
    { name: 'out-of-order segments within the RTT', capture: crafted('out-of-order'), expect: [] },
    { name: 'a SYN resent with its ISN after a RST, 990 ms later (the handshake timer; syn-retransmitted tells it)', capture: crafted('reused-ports'), expect: [] },
  ],
  invalid: [
    {
      name: 'resent after 200 ms of silence from each side (the timeout floor is 200 ms; a FIN resent 230 ms after a 250 ms RTO is not)',
      capture: crafted('retransmission'),
      expect: ['client@5', 'server@8'],
      details: [/after 200\.0 ms of silence, past its retransmission timeout of 200\.0 ms \(SRTT 10\.0 ms from 1 sample\)/],
    },
    {
      name: 'a bulk sender resends after its timer fired; its fast retransmission is not a timeout',
      capture: crafted('lossy'),
      expect: ['client@21'],
      details: [/after 412\.0 ms of silence/],
    },
  ],
});
