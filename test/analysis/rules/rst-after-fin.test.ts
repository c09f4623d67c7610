/**
 * rst-after-fin: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, finWait1 } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('rst-after-fin', {
  valid: [{ name: 'RST in an established connection', run: () => established().play('C>S RST,ACK') }],
  invalid: [{ name: 'RST after the sender\'s FIN', run: () => finWait1().play('C>S RST seq=2'), expect: ['rst-after-fin@client@5'] }],
});
