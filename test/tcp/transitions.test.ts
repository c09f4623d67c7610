/**
 * Every row of the transition table (src/tcp/transitions.ts), from both sides, as packet
 * ladders. ISNs sit just below 2^32, so the ladders cross the sequence-number wrap.
 */
import { describe, expect, test } from 'vitest';
import { ON_ARRIVE, ON_SEND } from '../../src/tcp/transitions.js';
import { CLIENT_ISN, HANDSHAKE, SERVER_ISN, established, finWait1, finWait2, lastAck, ladder, timeWait } from '../ladder.js';

/** Rows exercised below, as "send|arrive STATE event". */
const covered = new Set<string>();
const row = (side: 'send' | 'arrive', state: string, event: string): string => {
  covered.add(`${side} ${state} ${event}`);
  return `${state}: ${event}`;
};

describe('fixtures are reached through real transitions', () => {
  test('established, FIN-WAIT-1, FIN-WAIT-2, LAST-ACK, TIME-WAIT', () => {
    expect([established().state('C'), established().state('S')]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect([finWait1().state('C'), finWait1().state('S')]).toEqual(['FIN-WAIT-1', 'CLOSE-WAIT']);
    expect([finWait2().state('C'), lastAck().state('S'), timeWait().state('C'), timeWait().state('S')]).toEqual(['FIN-WAIT-2', 'LAST-ACK', 'TIME-WAIT', 'CLOSED']);
  });

  test('the ISNs cross 2^32 inside the handshake', () => {
    const l = established();
    expect(l.endpoint('S').nextSeq).toBe((SERVER_ISN + 1) >>> 0);
    const wrapped = l.play(`C<S PSH,ACK len=100 => C:ESTABLISHED`);
    expect(wrapped.endpoint('S').nextSeq).toBe((SERVER_ISN + 101) >>> 0);
    expect(wrapped.endpoint('S').nextSeq).toBeLessThan(SERVER_ISN);
    expect(CLIENT_ISN).toBe(0xffffd8ef);
  });
});

describe('UNSEEN (observer)', () => {
  test(row('send', 'UNSEEN', 'syn') + ' → SYN-SENT; ' + row('arrive', 'UNSEEN', 'syn') + ' → LISTEN → SYN-RECEIVED', () => {
    const l = ladder(`C>S SYN => C:SYN-SENT S:SYN-RECEIVED`);
    expect(l.conn?.changes.map((c) => `${c.from}>${c.to}`)).toEqual(['UNSEEN>SYN-SENT', 'UNSEEN>LISTEN', 'LISTEN>SYN-RECEIVED']);
    covered.add('arrive LISTEN syn');
  });
  test(row('send', 'UNSEEN', 'syn-ack') + ' → SYN-RECEIVED (its SYN was not captured)', () => {
    ladder(`S>C SYN,ACK ack=1 => S:SYN-RECEIVED`);
  });
  test(row('send', 'UNSEEN', 'data') + ' and ' + row('arrive', 'UNSEEN', 'data') + ' → MIDSTREAM', () => {
    ladder(`C>S PSH,ACK len=10 => C:MIDSTREAM S:MIDSTREAM`);
  });
  test(row('send', 'UNSEEN', 'ack') + ' and ' + row('arrive', 'UNSEEN', 'ack') + ' → MIDSTREAM', () => {
    ladder(`C>S ACK => C:MIDSTREAM S:MIDSTREAM`);
  });
  test(row('send', 'UNSEEN', 'fin') + ' → MIDSTREAM → FIN-WAIT-1; ' + row('arrive', 'UNSEEN', 'fin') + ' → MIDSTREAM → CLOSE-WAIT', () => {
    ladder(`C>S FIN,ACK => C:FIN-WAIT-1 S:CLOSE-WAIT`);
    covered.add('send MIDSTREAM fin').valueOf();
    covered.add('arrive MIDSTREAM fin');
  });
});

describe('CLOSED and LISTEN', () => {
  test(row('send', 'CLOSED', 'syn') + ' → SYN-SENT (a new attempt after a refusal)', () => {
    ladder(`
      C>S SYN          => C:SYN-SENT
      C<S RST,ACK      => C:CLOSED
      C>S SYN seq=0    => C:SYN-SENT`);
  });
  test(row('send', 'LISTEN', 'syn-ack') + ' → SYN-RECEIVED', () => {
    // A RST put the passive side back in LISTEN; it answers the retransmitted SYN.
    const l = ladder(`
      C>S SYN                  => S:SYN-RECEIVED
      C>S RST seq=1            => S:LISTEN`);
    l.play(`C<S SYN,ACK ack=1 => S:SYN-RECEIVED`);
    covered.add('arrive SYN-RECEIVED rst');
  });
  test(row('send', 'LISTEN', 'syn') + ' → SYN-SENT', () => {
    ladder(`
      C>S SYN          => S:SYN-RECEIVED
      C>S RST seq=1    => S:LISTEN
      C<S SYN          => S:SYN-SENT`);
  });
});

describe('SYN-SENT', () => {
  test(row('arrive', 'SYN-SENT', 'syn-ack') + ' → ESTABLISHED', () => {
    ladder(HANDSHAKE);
  });
  test(row('arrive', 'SYN-SENT', 'syn') + ' → SYN-RECEIVED (simultaneous open); ' + row('arrive', 'SYN-RECEIVED', 'syn-ack') + ' → ESTABLISHED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN ack=0        => C:SYN-RECEIVED S:SYN-RECEIVED
      C>S SYN,ACK seq=0    => S:ESTABLISHED
      C<S SYN,ACK seq=0    => C:ESTABLISHED S:ESTABLISHED`);
  });
  test(row('arrive', 'SYN-SENT', 'rst') + ' acknowledging the SYN → CLOSED (refused)', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C<S RST,ACK          => C:CLOSED`);
  });
  test('SYN-SENT: a RST that does not acknowledge the SYN changes nothing (§3.10.7.3)', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C<S RST,ACK ack=7    => C:SYN-SENT`);
  });
  test('SYN-SENT: a SYN,ACK acknowledging the wrong number changes nothing', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN,ACK ack=9    => C:SYN-SENT`);
  });
  test(row('send', 'SYN-SENT', 'fin') + ' → CLOSED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C>S FIN,ACK ack=0    => C:CLOSED`);
  });
  test(row('send', 'SYN-SENT', 'rst') + ' → CLOSED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C>S RST              => C:CLOSED`);
  });
});

describe('SYN-RECEIVED', () => {
  test(row('arrive', 'SYN-RECEIVED', 'ack-of-syn') + ' → ESTABLISHED', () => {
    ladder(HANDSHAKE);
  });
  test('SYN-RECEIVED: an ACK that completes the handshake and carries a FIN → ESTABLISHED → CLOSE-WAIT', () => {
    ladder(`
      C>S SYN
      C<S SYN,ACK
      C>S FIN,ACK          => C:FIN-WAIT-1 S:CLOSE-WAIT`);
  });
  test(row('send', 'SYN-RECEIVED', 'fin') + ' → FIN-WAIT-1', () => {
    ladder(`
      C>S SYN
      C<S SYN,ACK
      C<S FIN,ACK          => S:FIN-WAIT-1`);
  });
  test(row('send', 'SYN-RECEIVED', 'rst') + ' → CLOSED', () => {
    ladder(`
      C>S SYN
      C<S SYN,ACK          => S:SYN-RECEIVED
      C<S RST              => S:CLOSED`);
  });
});

describe('ESTABLISHED', () => {
  test(row('send', 'ESTABLISHED', 'fin') + ' → FIN-WAIT-1; ' + row('arrive', 'ESTABLISHED', 'fin') + ' → CLOSE-WAIT', () => {
    finWait1();
  });
  test(row('send', 'ESTABLISHED', 'rst') + ' → CLOSED; ' + row('arrive', 'ESTABLISHED', 'rst') + ' in window → CLOSED', () => {
    established().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test('ESTABLISHED: a RST outside the window changes nothing (§3.10.7.4)', () => {
    established().play(`C>S RST seq=5000 => C:CLOSED S:ESTABLISHED`);
  });
  test('ESTABLISHED: data both ways crosses the wrap and changes nothing', () => {
    established().play(`
      C>S PSH,ACK len=1000  => C:ESTABLISHED S:ESTABLISHED
      C<S PSH,ACK len=3000  => C:ESTABLISHED S:ESTABLISHED
      C>S ACK               => C:ESTABLISHED S:ESTABLISHED`);
  });
});

describe('MIDSTREAM (observer)', () => {
  test(row('send', 'MIDSTREAM', 'rst') + ' → CLOSED; ' + row('arrive', 'MIDSTREAM', 'rst') + ' → CLOSED', () => {
    ladder(`
      C>S PSH,ACK len=10   => C:MIDSTREAM S:MIDSTREAM
      C>S RST,ACK seq=10   => C:CLOSED S:CLOSED`);
  });
});

describe('CLOSE-WAIT', () => {
  test(row('send', 'CLOSE-WAIT', 'fin') + ' → LAST-ACK', () => {
    lastAck();
  });
  test('CLOSE-WAIT: data after receiving the FIN (half-close) keeps it in CLOSE-WAIT; its ACK of the FIN moves the client on', () => {
    finWait1().play(`
      C<S PSH,ACK len=100 ack=1  => C:FIN-WAIT-1 S:CLOSE-WAIT
      C<S PSH,ACK len=100        => C:FIN-WAIT-2 S:CLOSE-WAIT
      C>S ACK                    => C:FIN-WAIT-2 S:CLOSE-WAIT`);
  });
  test(row('send', 'CLOSE-WAIT', 'rst') + ' → CLOSED; ' + row('arrive', 'FIN-WAIT-1', 'rst') + ' → CLOSED', () => {
    finWait1().play(`C<S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test(row('arrive', 'CLOSE-WAIT', 'rst') + ' → CLOSED; ' + row('send', 'FIN-WAIT-1', 'rst') + ' → CLOSED', () => {
    finWait1().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
});

describe('FIN-WAIT-1', () => {
  test(row('arrive', 'FIN-WAIT-1', 'ack-of-fin') + ' → FIN-WAIT-2', () => {
    finWait2();
  });
  test(row('arrive', 'FIN-WAIT-1', 'fin-ack-of-fin') + ' → TIME-WAIT', () => {
    finWait1().play(`C<S FIN,ACK => C:TIME-WAIT S:LAST-ACK`);
  });
  test(row('arrive', 'FIN-WAIT-1', 'fin') + ' → CLOSING (FINs cross); the crossing FIN is read from its ACK field', () => {
    const l = established().play(`
      C>S FIN,ACK          => C:FIN-WAIT-1 S:CLOSE-WAIT
      C<S FIN,ACK ack=0    => C:CLOSING S:CLOSING`);
    expect(l.conn?.changes.filter((c) => c.to === 'CLOSE-WAIT')).toEqual([]);
  });
});

describe('FIN-WAIT-2', () => {
  test(row('arrive', 'FIN-WAIT-2', 'fin') + ' → TIME-WAIT', () => {
    finWait2().play(`C<S FIN ack=2 => C:TIME-WAIT`);
  });
  test(row('arrive', 'FIN-WAIT-2', 'fin-ack-of-fin') + ' → TIME-WAIT', () => {
    lastAck();
  });
  test(row('arrive', 'FIN-WAIT-2', 'rst') + ' → CLOSED; ' + row('send', 'CLOSE-WAIT', 'rst'), () => {
    finWait2().play(`C<S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test(row('send', 'FIN-WAIT-2', 'rst') + ' → CLOSED', () => {
    finWait2().play(`C>S RST,ACK => C:CLOSED`);
  });
});

describe('CLOSING', () => {
  const closing = () => established().play(`
      C>S FIN,ACK
      C<S FIN,ACK ack=0    => C:CLOSING S:CLOSING`);
  test(row('arrive', 'CLOSING', 'ack-of-fin') + ' → TIME-WAIT', () => {
    closing().play(`
      C>S ACK              => C:CLOSING S:TIME-WAIT
      C<S ACK              => C:TIME-WAIT S:TIME-WAIT`);
  });
  test(row('arrive', 'CLOSING', 'fin-ack-of-fin') + ' → TIME-WAIT (a retransmitted FIN that now acknowledges)', () => {
    closing().play(`C<S FIN,ACK seq=0 => C:TIME-WAIT`);
  });
  test(row('arrive', 'CLOSING', 'rst') + ' → CLOSED; ' + row('send', 'CLOSING', 'rst') + ' → CLOSED', () => {
    closing().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
});

describe('LAST-ACK', () => {
  test(row('arrive', 'LAST-ACK', 'ack-of-fin') + ' → CLOSED', () => {
    timeWait();
  });
  test(row('arrive', 'LAST-ACK', 'fin-ack-of-fin') + ' → CLOSED', () => {
    // The active closer's own FIN (retransmitted) carries the ACK of the passive closer's FIN.
    lastAck().play(`C>S FIN,ACK seq=0 => S:CLOSED`);
  });
  test(row('arrive', 'LAST-ACK', 'rst') + ' → CLOSED', () => {
    lastAck().play(`C>S RST seq=2 => S:CLOSED`);
  });
  test('LAST-ACK: a RST left of the window (at the FIN) changes nothing', () => {
    lastAck().play(`C>S RST seq=1 => S:LAST-ACK`);
  });
  test(row('send', 'LAST-ACK', 'rst') + ' → CLOSED', () => {
    lastAck().play(`C<S RST seq=2 => S:CLOSED`);
  });
});

describe('TIME-WAIT', () => {
  test(row('arrive', 'TIME-WAIT', 'rst') + ' → CLOSED', () => {
    lastAck().play(`C<S RST seq=2 => C:CLOSED`);
  });
  test(row('send', 'TIME-WAIT', 'rst') + ' → CLOSED', () => {
    timeWait().play(`C>S RST seq=2 => C:CLOSED`);
  });
  test('TIME-WAIT: a retransmitted FIN changes nothing', () => {
    timeWait().play(`C<S FIN,ACK seq=1 => C:TIME-WAIT`);
  });
});

test('every row of the transition table has a ladder above', () => {
  const rows = [
    ...Object.entries(ON_SEND).flatMap(([s, ev]) => Object.keys(ev ?? {}).map((e) => `send ${s} ${e}`)),
    ...Object.entries(ON_ARRIVE).flatMap(([s, ev]) => Object.keys(ev ?? {}).map((e) => `arrive ${s} ${e}`)),
  ];
  expect(rows.filter((r) => !covered.has(r))).toEqual([]);
});
