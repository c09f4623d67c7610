/**
 * missing-final-ack: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, finWait1, lastAck, timeWait } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('missing-final-ack', {
  valid: [
    { name: 'a full close', run: timeWait },
    { name: 'no FIN at all', run: established },
  ],
  invalid: [
    { name: 'the passive closer\'s FIN is never acknowledged (LAST-ACK)', run: lastAck, expect: ['missing-final-ack@server@6'] },
    { name: 'the active closer\'s FIN is never acknowledged (FIN-WAIT-1)', run: () => finWait1().play('C<S ACK ack=1'), expect: ['missing-final-ack@client@4'] },
    { name: 'a RST ends the wait in LAST-ACK', run: () => lastAck().play('C>S RST seq=2'), expect: ['missing-final-ack@server@7'] },
  ],
});
