/**
 * invalid-flags: packet ladders (test/ladder.ts) and every finding they must give, as id@side@frame
 * (the fixtures' frames: established ends at 3, finWait1 at 4, finWait2 at 5, lastAck at 6, timeWait at 7).
 */
import { established, ladder, timeWait } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('invalid-flags', {
  valid: [{ name: 'a normal connection', run: timeWait }],
  invalid: [
    { name: 'SYN and FIN', run: L('C>S SYN,FIN'), expect: ['invalid-flags@client@1'] },
    { name: 'SYN and RST', run: L('C>S SYN,RST'), expect: ['invalid-flags@client@1'] },
    { name: 'no flags', run: () => established().play('C>S none'), expect: ['invalid-flags@client@4'] },
    { name: 'xmas', run: () => established().play('C>S FIN,PSH,URG'), expect: ['invalid-flags@client@4'] },
    { name: 'data without ACK', run: () => established().play('C>S PSH len=10'), expect: ['invalid-flags@client@4'] },
  ],
});
