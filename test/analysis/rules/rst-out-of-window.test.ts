/**
 * rst-out-of-window: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('rst-out-of-window', {
  valid: [
    { name: 'RST at RCV.NXT', run: () => established().play('C>S RST,ACK') },
    { name: 'RST to a closed endpoint', run: () => established().play('C>S RST,ACK\nC>S RST seq=9000') },
  ],
  invalid: [
    { name: 'sequence number beyond the window', run: () => established().play('C>S RST seq=5000'), expect: ['rst-out-of-window@client@4'] },
    { name: 'in SYN-SENT, not acknowledging the SYN', run: L('C>S SYN\nC<S RST,ACK ack=7'), expect: ['rst-out-of-window@server@2'] },
  ],
});
