/**
 * long-close-wait: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { finWait1, timeWait } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('long-close-wait', {
  valid: [
    { name: 'closed quickly', run: timeWait, tail: 100 },
    { name: 'CLOSE-WAIT shorter than the threshold at capture end', run: finWait1, tail: 10 },
  ],
  invalid: [
    { name: 'CLOSE-WAIT until the capture ends, past the threshold', run: finWait1, tail: 45, expect: ['long-close-wait@server@4'] },
    { name: 'CLOSE-WAIT left late', run: () => finWait1().play('C<S FIN,ACK dt=40'), expect: ['long-close-wait@server@4'] },
  ],
});
