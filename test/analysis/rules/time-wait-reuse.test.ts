/**
 * time-wait-reuse (capture-scoped, reported on the connection that reuses the four-tuple): a SYN
 * within 2×MSL of the previous connection's TIME-WAIT. Two full connections on one four-tuple,
 * seven frames each (handshake, FIN, FIN, ACK), the second `gap` seconds after the first closed.
 */
import { Conversation } from '../../../samples/conversation.js';
import { captureRuleCases } from './capture-tester.js';
import { crafted } from './crafted-capture.js';

const twice = (gap: number, secondOpens: 'SYN' | 'data' = 'SYN') =>
  crafted((out, clock) => {
    for (const isn of [1000, 900000]) {
      const c = new Conversation(out, clock, { ip: '192.0.2.1', port: 40000, isn }, { ip: '203.0.113.80', port: 80, isn: isn * 3 });
      if (isn === 900000 && secondOpens === 'data') c.send('C', 'PSH,ACK', { len: 10 });
      else c.handshake();
      c.send('C', 'FIN,ACK');
      c.send('S', 'FIN,ACK');
      c.send('C', 'ACK');
      clock.t += gap;
    }
  });

captureRuleCases('time-wait-reuse', {
  valid: [
    { name: 'the second SYN after 2×MSL (61 s, --msl 30): ordinary reuse', capture: twice(61), expect: [] },
    { name: '5 s later but with --msl 2 (2×MSL = 4 s)', capture: twice(5), options: { msl: 2 }, expect: [] },
  ],
  invalid: [
    { name: 'a new SYN on the four-tuple 5 s after TIME-WAIT began', capture: twice(5), expect: ['null@7'], details: [/^connection 2 reuses the four-tuple of connection 1 5\.\d{3} s after it entered TIME-WAIT, within 2×MSL = 60 s$/] },
  ],
});
