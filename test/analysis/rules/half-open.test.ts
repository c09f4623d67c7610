import { established, finWait1 } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('half-open', {
  valid: [
    { name: 'a completed handshake', run: established },
    { name: 'a reset with silence after it', run: () => established().play('C>S RST,ACK') },
    // The RST is outside the server's window (§3.10.7.4): it must ignore it, and sending on is normal.
    { name: 'the peer goes on after a RST it had to ignore', run: () => established().play('C>S RST seq=5000\nC<S ACK') },
  ],
  invalid: [
    { name: 'the server keeps sending after the client\'s accepted RST', run: () => established().play('C>S RST,ACK\nC<S ACK'), expect: ['half-open@server@5'], detail: /after the client's RST \(frame 4\)/ },
    { name: 'reported once, however long it goes on', run: () => established().play('C>S RST,ACK\nC<S ACK\nC<S PSH,ACK len=10\nC<S ACK'), expect: ['half-open@server@5'] },
    { name: 'the client keeps sending after the server\'s RST in CLOSE-WAIT', run: () => finWait1().play('C<S RST,ACK\nC>S ACK'), expect: ['half-open@client@6'] },
  ],
});
