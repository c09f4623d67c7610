/**
 * syn-flood (capture-scoped): per destination ip:port, never-completed handshakes alive at once
 * within the 63 s a SYN-RECEIVED entry lives. Captures crafted with our writer; the finding is
 * the capture's (side null) at the destination's first SYN.
 */
import { Conversation } from '../../../samples/conversation.js';
import { captureRuleCases } from './capture-tester.js';
import { crafted } from './crafted-capture.js';

const server = { ip: '203.0.113.80', port: 80 };

/** n SYNs from one source to the server, dt seconds apart, none answered. */
const lonelySyns = (n: number, dt: number) =>
  crafted((out, clock) => {
    for (let i = 0; i < n; i++) new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i * 7919 }, { ...server, isn: i * 104729 }).send('C', 'SYN', { dt });
  });

captureRuleCases('syn-flood', {
  valid: [
    {
      name: 'a busy server whose 500 handshakes complete',
      capture: crafted((out, clock) => {
        for (let i = 0; i < 500; i++) {
          const c = new Conversation(out, clock, { ip: `10.0.${i >> 8}.${i & 255}`, port: 30000 + i, isn: i * 7919 }, { ...server, isn: i * 104729 });
          c.handshake(0.002);
          c.send('C', 'PSH,ACK', { len: 100 });
        }
      }),
      expect: [],
    },
    { name: 'below the threshold: 99 half-open at once', capture: lonelySyns(99, 0.01), expect: [] },
    { name: '120 SYNs over 10 minutes never have 100 alive at once', capture: lonelySyns(120, 5), expect: [] },
    {
      name: '150 SYNs all refused by RST: a closed port, not a flood',
      capture: crafted((out, clock) => {
        for (let i = 0; i < 150; i++) {
          const c = new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i * 7919 }, { ...server, isn: 0 });
          c.send('C', 'SYN', { dt: 0.01 });
          c.send('S', 'RST,ACK', { dt: 0.0001 });
        }
      }),
      expect: [],
    },
    { name: 'a threshold raised above the attempts (--syn-flood-min 200)', capture: lonelySyns(150, 0.01), options: { captureRules: { synFloodMinHalfOpen: 200 } as never }, expect: [] },
  ],
  invalid: [
    {
      name: '150 never-completed SYNs from one source within seconds',
      capture: lonelySyns(150, 0.01),
      expect: ['null@1'],
      details: [/^203\.0\.113\.80:80: 150 half-open attempts .* from 1 distinct sources; 0 % answered by SYN,ACK, 0 % completed$/],
    },
    {
      name: 'a burst at the start of a long capture, found after its seconds are folded away (memory bound)',
      capture: crafted((out, clock) => {
        for (let i = 0; i < 150; i++) new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 0.01 });
        // Then one SYN a second for 5,000 s: more distinct seconds than a destination keeps (4,096).
        for (let i = 0; i < 5000; i++) new Conversation(out, clock, { ip: '198.51.100.8', port: 10000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 1 });
      }),
      expect: ['null@1'],
      // The window [0 s, 63 s) holds the 150 of the burst and the 61 lone SYNs of seconds 2 to 62.
      details: [/^203\.0\.113\.80:80: 211 half-open attempts .* 5150 SYNs .* peak (99|100|101)\/s, from 2 distinct sources/],
    },
  ],
});
