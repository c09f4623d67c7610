/**
 * fin-retransmitted: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { finWait1, timeWait } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('fin-retransmitted', {
  valid: [{ name: 'one FIN each way', run: timeWait }],
  invalid: [{ name: 'the same FIN sent again', run: () => finWait1().play('C>S FIN,ACK seq=1 dt=0.2'), expect: ['fin-retransmitted@client@5'] }],
});
