import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('rst-refused', {
  valid: [
    { name: 'RST in an established connection', run: () => established().play('C<S RST,ACK') },
    { name: 'RST that does not acknowledge the SYN (ignored, §3.10.7.3)', run: L('C>S SYN\nC<S RST,ACK ack=7') },
    { name: 'a SYN nothing answers', run: L('C>S SYN\nC>S SYN seq=0 dt=1') },
  ],
  invalid: [
    // §3.10.7.1: CLOSED answers a SYN with RST,ACK: nothing listens on the port.
    { name: 'SYN answered by RST,ACK from CLOSED: no listener', run: L('C>S SYN\nC<S RST,ACK'), expect: ['rst-refused@server@2'], detail: /^connection refused: no listener on 192\.0\.2\.2:80/ },
    { name: 'a SYN sent twice, the second refused', run: L('C>S SYN\nC>S SYN seq=0 dt=1\nC<S RST,ACK'), expect: ['rst-refused@server@3'], detail: /no listener/ },
    // Simultaneous open refused after the server's own SYN: it was not CLOSED, so no "no listener".
    { name: 'a RST after the server\'s SYN,ACK the client never got', run: L('C>S SYN\nC<S SYN,ACK ack=5\nC<S RST,ACK seq=1'), expect: ['rst-refused@server@3'], detail: /in SYN-RECEIVED/ },
  ],
});
