/**
 * rst-abort: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, finWait1, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('rst-abort', {
  valid: [
    { name: 'RST after the sender\'s own FIN', run: () => finWait1().play('C>S RST seq=2') },
    { name: 'RST outside the window', run: () => established().play('C>S RST seq=5000') },
    { name: 'refused SYN', run: L('C>S SYN\nC<S RST,ACK') },
  ],
  invalid: [
    { name: 'client aborts an established connection', run: () => established().play('C>S RST,ACK'), expect: ['rst-abort@client@4'] },
    { name: 'server aborts in CLOSE-WAIT', run: () => finWait1().play('C<S RST,ACK'), expect: ['rst-abort@server@5'] },
  ],
});
