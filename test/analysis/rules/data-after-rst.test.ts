import { established } from '../../ladder.js';
import { ruleTester } from './tester.js';

ruleTester('data-after-rst', {
  valid: [
    { name: 'data before the RST', run: () => established().play('C>S PSH,ACK len=5\nC>S RST,ACK') },
    // Out of the server's window: it must ignore the RST, so the connection goes on.
    { name: 'data after a RST its receiver had to ignore', run: () => established().play('C>S RST seq=5000\nC<S PSH,ACK len=10') },
    { name: 'a RST without data after it', run: () => established().play('C>S RST,ACK\nC<S ACK') },
  ],
  invalid: [
    { name: 'the peer sends data after an accepted RST', run: () => established().play('C>S RST,ACK\nC<S PSH,ACK len=10'), expect: ['data-after-rst@server@5'], detail: /10 bytes after the client's RST \(frame 4\)/ },
    { name: 'the resetter itself sends data after its RST', run: () => established().play('C>S RST,ACK\nC>S PSH,ACK len=7'), expect: ['data-after-rst@client@5'], detail: /after its own RST \(frame 4\)/ },
    { name: 'reported once per connection', run: () => established().play('C>S RST,ACK\nC<S PSH,ACK len=10\nC<S PSH,ACK len=10'), expect: ['data-after-rst@server@5'] },
  ],
});
