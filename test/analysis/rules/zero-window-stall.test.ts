/** zero-window-stall (src/analysis/rules/zero-window-stall.ts), on the crafted captures of test/fixtures/wireshark. */
import { join } from 'node:path';
import { captureRuleCases } from './capture-tester.js';
import { ORACLE_DIR } from '../../support/wireshark-oracle.js';

const crafted = (name: string): string => join(ORACLE_DIR, 'crafted', `${name}.pcap`);

captureRuleCases('zero-window-stall', {
  valid: [
    { name: 'a 0.46 s stall is under the 0.5 s threshold', capture: crafted('zero-window-probe-server'), expect: [] },
    { name: 'zero windows never probed and no data after them', capture: crafted('window-update'), expect: [] },
    { name: 'a 0.86 s stall under a 1 s threshold', capture: crafted('zero-window'), options: { zeroWindowStall: 1 }, expect: [] },
  ],
  invalid: [
    {
      name: 'the server shuts its window for 0.86 s while the client probes twice (Wireshark: zero_window 5, probes 6 and 8, window update 10)',
      capture: crafted('zero-window'),
      expect: ['server@5'],
      details: [/zero window for 0\.860 s, from frame 5 until frame 10 opened it, while the client had data to send: 2 probes \(frames 6, 8\)/],
    },
    {
      name: 'Linux-style keep-alive probes until the capture ends',
      capture: crafted('stall-until-end'),
      expect: ['server@5'],
      details: [/for 1\.401 s, from frame 5 until the capture ended.*3 probes \(frames 6, 8, 10\)/],
    },
    { name: 'a 0.46 s stall over a 0.4 s threshold', capture: crafted('zero-window-probe-server'), options: { zeroWindowStall: 0.4 }, expect: ['client@5'] },
  ],
});
