/**
 * data-after-fin: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, finWait1 } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('data-after-fin', {
  valid: [
    { name: 'data before the FIN', run: () => established().play('C>S PSH,ACK len=10\nC>S FIN,ACK') },
    { name: 'data retransmitted below the FIN', run: () => established().play('C>S PSH,ACK len=10\nC>S FIN,ACK\nC>S PSH,ACK seq=1 len=10') },
  ],
  invalid: [{ name: 'new data after the FIN', run: () => finWait1().play('C>S PSH,ACK seq=2 len=10'), expect: ['data-after-fin@client@5'] }],
});
