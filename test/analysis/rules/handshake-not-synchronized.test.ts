import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('handshake-not-synchronized', {
  valid: [
    { name: 'a good handshake', run: established },
    // RFC 7413 §3: the SYN,ACK acknowledges the SYN and its 100 bytes (the cookie was accepted).
    { name: 'TCP Fast Open: the SYN,ACK acknowledges the SYN\'s data', run: L('C>S SYN len=100\nC<S SYN,ACK ack=101\nC>S ACK') },
    { name: 'TCP Fast Open refused: the SYN,ACK acknowledges the SYN only', run: L('C>S SYN len=100\nC<S SYN,ACK ack=1\nC>S PSH,ACK seq=1 len=100') },
  ],
  invalid: [
    { name: 'SYN,ACK acknowledges the wrong number', run: L('C>S SYN\nC<S SYN,ACK ack=9'), expect: ['handshake-not-synchronized@server@2'] },
    { name: 'TCP Fast Open: the SYN,ACK acknowledges part of the data', run: L('C>S SYN len=100\nC<S SYN,ACK ack=51'), expect: ['handshake-not-synchronized@server@2'], detail: /or, with its 100 bytes of SYN data/ },
    { name: 'the third ACK acknowledges the wrong number', run: L('C>S SYN\nC<S SYN,ACK\nC>S ACK ack=5'), expect: ['handshake-not-synchronized@client@3'] },
  ],
});
