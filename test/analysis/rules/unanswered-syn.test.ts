import { established, ladder } from '../../ladder.js';
import { ruleTester } from './tester.js';

const L = (text: string) => () => ladder(text);

ruleTester('unanswered-syn', {
  valid: [
    { name: 'answered by SYN,ACK', run: established },
    { name: 'answered by RST', run: L('C>S SYN\nC<S RST,ACK') },
    { name: 'answered after a retransmission', run: L('C>S SYN\nC>S SYN seq=0 dt=1\nC<S SYN,ACK') },
    // A one-sided capture: the client's ACK shows a SYN,ACK arrived, though none was captured.
    { name: 'the client acknowledges an uncaptured SYN,ACK', run: L('C>S SYN\nC>S ACK ack=1\nC>S PSH,ACK ack=1 len=20') },
  ],
  invalid: [
    { name: 'one SYN, nothing back', run: L('C>S SYN'), expect: ['unanswered-syn@client@1'], detail: /^1 SYN, and nothing came back from the server; the client is still SYN-SENT/ },
    // Linux's retries: 1 s, 2 s, 4 s after the first (RFC 6298 initial RTO 1 s, doubling).
    {
      name: 'four SYNs over 7 s, nothing back',
      run: L('C>S SYN\nC>S SYN seq=0 dt=1\nC>S SYN seq=0 dt=2\nC>S SYN seq=0 dt=4'),
      expect: ['unanswered-syn@client@1'],
      detail: /^4 SYNs over 7\.000 s \(frames 1 to 4\), and nothing came back from the server/,
    },
    { name: 'the client gives up with a RST', run: L('C>S SYN\nC>S SYN seq=0 dt=1\nC>S RST seq=1'), expect: ['unanswered-syn@client@1'], detail: /^2 SYNs over 1\.000 s \(frames 1 to 2\), and nothing came back from the server$/ },
  ],
});
