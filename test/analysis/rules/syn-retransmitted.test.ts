/**
 * syn-retransmitted: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('syn-retransmitted', {
  valid: [{ name: 'one SYN', run: established }],
  invalid: [{ name: 'the SYN sent again with its sequence number', run: L('C>S SYN\nC>S SYN seq=0 dt=1'), expect: ['syn-retransmitted@client@2'] }],
});
