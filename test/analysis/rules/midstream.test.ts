/**
 * midstream: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('midstream', {
  valid: [{ name: 'starts with a SYN', run: established }, { name: 'starts with a SYN,ACK', run: L('C<S SYN,ACK ack=1') }],
  invalid: [{ name: 'starts with data', run: L('C>S PSH,ACK len=10'), expect: ['midstream@-@1'] }],
});
