/**
 * Every row of the transition table (src/tcp/transitions.ts), from both sides, as packet
 * ladders, grouped by state (smoltcp's "Tests for the SYN-RECEIVED state"). ISNs sit just
 * below 2^32, so the ladders cross the sequence-number wrap.
 *
 * Paths read (test/ladder.ts, Ladder.path): STATE@frame witnessed by the endpoint's own
 * segment; STATE@frame^n inferred, then confirmed by its own segment n; STATE@frame~ inferred;
 * STATE@frame xn,m contradicted by frames n and m. Each expectation was worked out by hand from
 * RFC 9293 §3.10.7 before running the engine.
 */
import { describe, expect, test } from 'vitest';
import { ON_ARRIVE, ON_SEND } from '../../src/tcp/transitions.js';
import { FIXTURES, HANDSHAKE, ROWS_TAKEN, SERVER_ISN, established, finWait1, finWait2, lastAck, ladder, sanity, synReceived, synSent, timeWait } from '../ladder.js';

describe('fixtures are reached through real transitions (sanity!)', () => {
  test('SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, LAST-ACK, TIME-WAIT equal the hand-built TCBs', () => {
    sanity(synSent(), FIXTURES['synSent'] as never);
    sanity(synReceived(), FIXTURES['synReceived'] as never);
    sanity(established(), FIXTURES['established'] as never);
    sanity(finWait1(), FIXTURES['finWait1'] as never);
    sanity(finWait2(), FIXTURES['finWait2'] as never);
    sanity(lastAck(), FIXTURES['lastAck'] as never);
    sanity(timeWait(), FIXTURES['timeWait'] as never);
  });

  test('the server ISN wraps 2^32 after 16 bytes of data', () => {
    const wrapped = established().play(`C<S PSH,ACK len=100 => C:ESTABLISHED S:ESTABLISHED`);
    expect(wrapped.endpoint('S').nextSeq).toBe(((SERVER_ISN + 101) >>> 0));
    expect(wrapped.endpoint('S').nextSeq).toBe(0x55);
    expect(wrapped.endpoint('C').nextSeq).toBe(0xffffd8f0);
  });

  test('an ordinary handshake, exchange and close take only expected rows', () => {
    const l = lastAck().play(`C>S ACK => C:TIME-WAIT S:CLOSED`);
    expect(l.unexpected()).toEqual([]);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@4 FIN-WAIT-2@5^7 TIME-WAIT@6^7');
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@4^5 LAST-ACK@6 CLOSED@7~');
  });
});

describe('UNSEEN (observer)', () => {
  test('UNSEEN: send syn → SYN-SENT; arrive syn keeps UNSEEN (nothing heard from it)', () => {
    const l = ladder(`C>S SYN => C:SYN-SENT S:UNSEEN`);
    expect(l.path('C')).toBe('SYN-SENT@1');
    expect(l.path('S')).toBe('');
  });
  test('UNSEEN: send syn-ack → SYN-RECEIVED (passive OPEN, witnessed by its SYN,ACK)', () => {
    const l = ladder(`
      C>S SYN          => S:UNSEEN
      C<S SYN,ACK      => S:SYN-RECEIVED`);
    expect(l.endpoint('S').passiveOpen).toBe(true);
    expect(ladder(`S>C SYN,ACK ack=1 => S:SYN-RECEIVED`).path('S')).toBe('SYN-RECEIVED@1');
  });
  test('UNSEEN: send rst-to-syn → CLOSED: refused, nothing listening, never LISTEN or SYN-RECEIVED (§3.10.7.1)', () => {
    const l = ladder(`
      C>S SYN          => C:SYN-SENT S:UNSEEN
      C<S RST,ACK      => C:CLOSED   S:CLOSED`);
    expect(l.path('S')).toBe('CLOSED@2');
    expect(l.path('C')).toBe('SYN-SENT@1 CLOSED@2~');
    expect(l.conn?.changes.filter((c) => c.to === 'LISTEN' || c.to === 'SYN-RECEIVED')).toEqual([]);
    expect(l.unexpected()).toEqual([]);
  });
  test('UNSEEN: an unanswered SYN sent three times: client SYN-SENT (row SYN-SENT syn), server UNSEEN', () => {
    const l = ladder(`
      C>S SYN                  => C:SYN-SENT S:UNSEEN
      C>S SYN seq=0 dt=1       => C:SYN-SENT S:UNSEEN
      C>S SYN seq=0 dt=2       => C:SYN-SENT S:UNSEEN`);
    expect([l.path('C'), l.path('S'), l.endpoint('C').synCount]).toEqual(['SYN-SENT@1', '', 3]);
    expect(l.unexpected()).toEqual([]);
  });
  test('UNSEEN: arrive syn-ack keeps UNSEEN; send ack-of-syn → ESTABLISHED (its SYN was not captured)', () => {
    const l = ladder(`
      S>C SYN,ACK ack=1    => C:UNSEEN S:SYN-RECEIVED
      C>S ACK seq=1        => C:ESTABLISHED S:ESTABLISHED`);
    expect([l.path('C'), l.path('S'), l.unexpected()]).toEqual(['ESTABLISHED@2', 'SYN-RECEIVED@1 ESTABLISHED@2~', []]);
  });
  test('UNSEEN: send rst-to-syn-ack → CLOSED: a SYN,ACK it never asked for (backscatter) answered with RST from CLOSED', () => {
    const l = ladder(`
      S>C SYN,ACK ack=1    => C:UNSEEN S:SYN-RECEIVED
      C>S RST seq=1        => C:CLOSED S:LISTEN`);
    expect([l.path('C'), l.path('S'), l.unexpected()]).toEqual(['CLOSED@2', 'SYN-RECEIVED@1 LISTEN@2~', []]);
  });
  test('UNSEEN: send data and arrive data → MIDSTREAM', () => {
    const l = ladder(`C>S PSH,ACK len=10 => C:MIDSTREAM S:MIDSTREAM`);
    expect([l.path('C'), l.path('S')]).toEqual(['MIDSTREAM@1', 'MIDSTREAM@1~']);
  });
  test('UNSEEN: send ack and arrive ack → MIDSTREAM', () => {
    ladder(`C>S ACK => C:MIDSTREAM S:MIDSTREAM`);
  });
  test('UNSEEN: send fin → MIDSTREAM → FIN-WAIT-1; arrive fin → MIDSTREAM → CLOSE-WAIT (rows with then)', () => {
    const l = ladder(`C>S FIN,ACK => C:FIN-WAIT-1 S:CLOSE-WAIT`);
    expect([l.path('C'), l.path('S')]).toEqual(['MIDSTREAM@1 FIN-WAIT-1@1', 'MIDSTREAM@1~ CLOSE-WAIT@1~']);
  });
});

describe('TCP Fast Open (RFC 7413)', () => {
  test('data on the SYN: client SYN-SENT → ESTABLISHED, server SYN-RECEIVED → ESTABLISHED, no anomaly, bytes counted', () => {
    const l = ladder(`
      C>S SYN len=100      => C:SYN-SENT     S:UNSEEN
      C<S SYN,ACK ack=101  => C:ESTABLISHED  S:SYN-RECEIVED
      C>S ACK              => C:ESTABLISHED  S:ESTABLISHED`);
    expect([l.path('C'), l.path('S')]).toEqual(['SYN-SENT@1 ESTABLISHED@2^3', 'SYN-RECEIVED@2 ESTABLISHED@3~']);
    expect([l.endpoint('C').payloadBytes, l.endpoint('C').synDataLen]).toEqual([100, 100]);
    expect(l.findings()).toEqual([]);
  });
  test('SYN data not accepted (no cookie): the SYN,ACK acknowledges the SYN only, the client sends the data again', () => {
    const l = ladder(`
      C>S SYN len=100          => C:SYN-SENT
      C<S SYN,ACK ack=1        => C:ESTABLISHED S:SYN-RECEIVED
      C>S PSH,ACK seq=1 len=100 => S:ESTABLISHED`);
    expect(l.findings().map((f) => f.id)).toEqual([]);
  });
});

describe('CLOSED and LISTEN', () => {
  test('CLOSED: send syn → SYN-SENT (a new attempt after a refusal)', () => {
    ladder(`
      C>S SYN          => C:SYN-SENT
      C<S RST,ACK      => C:CLOSED
      C>S SYN seq=0    => C:SYN-SENT`);
  });
  test('SYN-RECEIVED: arrive rst-passive-open → LISTEN; LISTEN: arrive syn → SYN-RECEIVED; send syn-ack confirms it', () => {
    const l = ladder(`
      C>S SYN                  => S:UNSEEN
      C<S SYN,ACK              => S:SYN-RECEIVED
      C>S RST seq=1            => C:CLOSED S:LISTEN
      C>S SYN seq=0            => C:SYN-SENT S:SYN-RECEIVED
      C<S SYN,ACK seq=0        => S:SYN-RECEIVED`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 LISTEN@3~ SYN-RECEIVED@4^5');
  });
  test('LISTEN: send syn-ack → SYN-RECEIVED (the SYN it answers was not captured)', () => {
    ladder(`
      C>S SYN                  => S:UNSEEN
      C<S SYN,ACK              => S:SYN-RECEIVED
      C>S RST seq=1            => S:LISTEN
      C<S SYN,ACK seq=0 ack=1  => S:SYN-RECEIVED`);
  });
  test('LISTEN: send syn → SYN-SENT', () => {
    ladder(`
      C>S SYN          => S:UNSEEN
      C<S SYN,ACK      => S:SYN-RECEIVED
      C>S RST seq=1    => S:LISTEN
      C<S SYN          => S:SYN-SENT`);
  });
});

describe('SYN-SENT', () => {
  test('SYN-SENT: arrive syn-ack → ESTABLISHED, inferred until its ACK', () => {
    const l = synReceived();
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2~');
    l.play(`C>S ACK => C:ESTABLISHED S:ESTABLISHED`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2^3');
  });
  test('SYN-SENT: arrive syn → SYN-RECEIVED (simultaneous open); SYN-RECEIVED: send syn-ack stays; arrive syn-ack → ESTABLISHED', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN ack=0        => C:SYN-RECEIVED S:SYN-SENT
      C>S SYN,ACK seq=0    => C:SYN-RECEIVED S:ESTABLISHED
      C<S SYN,ACK seq=0    => C:ESTABLISHED S:ESTABLISHED`);
    expect(l.unexpected()).toEqual([]);
  });
  test('SYN-SENT: arrive rst acknowledging the SYN → CLOSED (refused)', () => {
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
  test('SYN-SENT: send syn stays (retransmission); a SYN resent after a SYN,ACK contradicts the inferred ESTABLISHED', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN,ACK          => C:ESTABLISHED S:SYN-RECEIVED
      C>S SYN seq=0 dt=1   => C:SYN-SENT S:SYN-RECEIVED
      C<S SYN,ACK seq=0    => C:ESTABLISHED S:SYN-RECEIVED
      C>S ACK              => C:ESTABLISHED S:ESTABLISHED`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2x3 ESTABLISHED@4^5');
    expect(l.conn?.changes.find((c) => c.evidence === 'contradicted')?.contradiction).toBe('resent');
    expect(l.unexpected()).toEqual([]);
  });
  test('SYN-SENT: send ack-of-syn → ESTABLISHED, witnessed: a SYN scan answered by SYN,ACKs it never acknowledges, then a late ACK', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT S:UNSEEN
      C<S SYN,ACK          => C:ESTABLISHED S:SYN-RECEIVED
      C<S SYN,ACK seq=0 dt=1 => C:SYN-SENT S:SYN-RECEIVED
      C<S SYN,ACK seq=0 dt=2 => C:SYN-SENT S:SYN-RECEIVED
      C<S SYN,ACK seq=0 dt=4 => C:SYN-SENT S:SYN-RECEIVED`);
    // The client would have been ESTABLISHED had the SYN,ACK of frame 2 arrived; 3, 4, 5 show it did not.
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2x3,4,5');
    l.play(`C>S ACK ack=1 => C:ESTABLISHED S:ESTABLISHED`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2x3,4,5 ESTABLISHED@6');
  });
  test('SYN-SENT: send ack-of-syn → ESTABLISHED when the SYN,ACK was never captured (a one-sided capture); the server is MIDSTREAM', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT S:UNSEEN
      C>S ACK ack=1        => C:ESTABLISHED S:MIDSTREAM`);
    expect([l.path('C'), l.unexpected()]).toEqual(['SYN-SENT@1 ESTABLISHED@2', []]);
  });
  test('SYN-SENT: a scanner answers the SYN,ACK with a RST of the CLOSED form (no ACK bit): its ESTABLISHED is contradicted', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN,ACK          => C:ESTABLISHED S:SYN-RECEIVED
      C>S RST seq=1        => C:CLOSED S:LISTEN`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2x3 CLOSED@3');
    expect(l.conn?.changes.find((c) => c.evidence === 'contradicted')?.contradiction).toBe('reset');
  });
  test('ESTABLISHED: an application abort right after the SYN,ACK (RST,ACK) does not contradict ESTABLISHED', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN,ACK          => C:ESTABLISHED S:SYN-RECEIVED
      C>S RST,ACK          => C:CLOSED S:LISTEN`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2~ CLOSED@3');
  });
  test('SYN-SENT: send fin (no ACK bit) → CLOSED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C>S FIN              => C:CLOSED`);
  });
  test('SYN-SENT: a FIN,ACK shows its SYN,ACK arrived (uncaptured): ack-of-syn → ESTABLISHED, then the FIN → FIN-WAIT-1', () => {
    const l = ladder(`
      C>S SYN              => C:SYN-SENT
      C>S FIN,ACK ack=0    => C:FIN-WAIT-1`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2 FIN-WAIT-1@2');
  });
  test('SYN-SENT: send rst → CLOSED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C>S RST              => C:CLOSED`);
  });
});

describe('SYN-RECEIVED', () => {
  test('SYN-RECEIVED: arrive ack-of-syn → ESTABLISHED', () => {
    ladder(HANDSHAKE);
  });
  test('SYN-RECEIVED: arrive syn (the SYN again) and send syn-ack (again) change nothing and are expected', () => {
    const l = synReceived().play(`
      C>S SYN seq=0 dt=1   => C:SYN-SENT S:SYN-RECEIVED
      C<S SYN,ACK seq=0    => C:ESTABLISHED S:SYN-RECEIVED`);
    expect(l.unexpected()).toEqual([]);
  });
  test('SYN-RECEIVED: an ACK that completes the handshake and carries a FIN → ESTABLISHED → CLOSE-WAIT (then)', () => {
    const l = ladder(`
      C>S SYN
      C<S SYN,ACK
      C>S FIN,ACK          => C:FIN-WAIT-1 S:CLOSE-WAIT`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3~ CLOSE-WAIT@3~');
  });
  test('SYN-RECEIVED: send fin → FIN-WAIT-1', () => {
    ladder(`
      C>S SYN
      C<S SYN,ACK
      C<S FIN,ACK          => S:FIN-WAIT-1`);
  });
  test('SYN-RECEIVED: send rst → CLOSED', () => {
    ladder(`
      C>S SYN
      C<S SYN,ACK          => S:SYN-RECEIVED
      C<S RST              => S:CLOSED`);
  });
  test('SYN-RECEIVED: arrive rst (active open, simultaneous) → CLOSED', () => {
    ladder(`
      C>S SYN              => C:SYN-SENT
      C<S SYN ack=0        => C:SYN-RECEIVED S:SYN-SENT
      C<S RST seq=1        => C:CLOSED S:CLOSED`);
  });
  test('listen queue full, final ACK ignored: the SYN,ACK resent after the ACK contradicts the server\'s ESTABLISHED', () => {
    const l = synReceived().play(`
      C>S ACK                => C:ESTABLISHED S:ESTABLISHED
      C<S SYN,ACK seq=0 dt=1 => C:ESTABLISHED S:SYN-RECEIVED
      C>S ACK                => C:ESTABLISHED S:SYN-RECEIVED
      C<S SYN,ACK seq=0 dt=2 => C:ESTABLISHED S:SYN-RECEIVED`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3x4,6');
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2^3');
    expect(l.unexpected()).toEqual([]);
  });
  test('a SYN,ACK answering a SYN sent again is no resend: it contradicts nothing (samples/kernel/syn-ack-lost)', () => {
    // The first SYN,ACK (2) is lost; the server's timer resends it (3), the client's SYN crosses it (4),
    // the client acknowledges (5) and the server answers the SYN of frame 4 (6).
    const l = synReceived().play(`
      C<S SYN,ACK seq=0 dt=1 => C:SYN-SENT S:SYN-RECEIVED
      C>S SYN seq=0          => C:SYN-SENT S:SYN-RECEIVED
      C>S ACK                => C:ESTABLISHED S:ESTABLISHED
      C<S SYN,ACK seq=0      => C:ESTABLISHED S:ESTABLISHED
      C>S ACK                => C:ESTABLISHED S:ESTABLISHED`);
    expect([l.path('C'), l.path('S')]).toEqual(['SYN-SENT@1 ESTABLISHED@2x3 ESTABLISHED@5', 'SYN-RECEIVED@2 ESTABLISHED@5~']);
  });
  test('listen queue full, tcp_abort_on_overflow: the final ACK answered by a RST of the CLOSED form contradicts ESTABLISHED', () => {
    const l = synReceived().play(`
      C>S ACK                => C:ESTABLISHED S:ESTABLISHED
      C<S RST seq=1          => C:CLOSED S:CLOSED`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3x4 CLOSED@4');
    expect(l.conn?.changes.find((c) => c.evidence === 'contradicted')?.contradiction).toBe('reset');
  });
  test('an application abort after accept() (RST,ACK) does not contradict ESTABLISHED', () => {
    const l = established().play(`C<S RST,ACK => C:CLOSED S:CLOSED`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3~ CLOSED@4');
  });
});

describe('ESTABLISHED', () => {
  test('ESTABLISHED: send fin → FIN-WAIT-1; arrive fin → CLOSE-WAIT', () => {
    finWait1();
  });
  test('ESTABLISHED: send rst → CLOSED; arrive rst in window → CLOSED', () => {
    established().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test('ESTABLISHED: a RST outside the window changes nothing (§3.10.7.4)', () => {
    established().play(`C>S RST seq=5000 => C:CLOSED S:ESTABLISHED`);
  });
  test('ESTABLISHED: arrive syn and syn-ack (old copies) change nothing and are expected', () => {
    // The server's ACK (frame 4) confirms its ESTABLISHED: its SYN,ACK sent again contradicts nothing.
    const l = established().play(`
      C<S ACK              => C:ESTABLISHED S:ESTABLISHED
      C<S SYN,ACK seq=0    => C:ESTABLISHED S:ESTABLISHED
      C>S SYN seq=0        => C:ESTABLISHED S:ESTABLISHED`);
    // A client that resends its SYN once ESTABLISHED is off the rails: no row.
    expect(l.unexpected()).toEqual(['send ESTABLISHED syn@6']);
  });
  test('ESTABLISHED: data both ways crosses the wrap and changes nothing', () => {
    established().play(`
      C>S PSH,ACK len=1000  => C:ESTABLISHED S:ESTABLISHED
      C<S PSH,ACK len=3000  => C:ESTABLISHED S:ESTABLISHED
      C>S ACK               => C:ESTABLISHED S:ESTABLISHED`);
  });
  test('ESTABLISHED: a FIN resent unchanged contradicts CLOSE-WAIT; send ack-of-fin → CLOSE-WAIT, witnessed', () => {
    const l = finWait1().play(`
      C>S FIN,ACK seq=1 dt=0.2 => C:FIN-WAIT-1 S:ESTABLISHED
      C<S ACK                  => C:FIN-WAIT-2 S:CLOSE-WAIT`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^6 CLOSE-WAIT@4x5 CLOSE-WAIT@6');
    expect(l.unexpected()).toEqual([]);
  });
});

describe('MIDSTREAM (observer)', () => {
  test('MIDSTREAM: send rst → CLOSED; arrive rst → CLOSED', () => {
    ladder(`
      C>S PSH,ACK len=10   => C:MIDSTREAM S:MIDSTREAM
      C>S RST,ACK seq=10   => C:CLOSED S:CLOSED`);
  });
});

describe('CLOSE-WAIT', () => {
  test('CLOSE-WAIT: send fin → LAST-ACK', () => {
    lastAck();
  });
  test('CLOSE-WAIT: data after receiving the FIN (half-close) keeps it in CLOSE-WAIT; its ACK of the FIN moves the client on', () => {
    finWait1().play(`
      C<S PSH,ACK len=100 ack=1  => C:FIN-WAIT-1 S:CLOSE-WAIT
      C<S PSH,ACK len=100        => C:FIN-WAIT-2 S:CLOSE-WAIT
      C>S ACK                    => C:FIN-WAIT-2 S:CLOSE-WAIT`);
  });
  test('CLOSE-WAIT: send rst → CLOSED; FIN-WAIT-1: arrive rst → CLOSED', () => {
    finWait1().play(`C<S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test('CLOSE-WAIT: arrive rst → CLOSED; FIN-WAIT-1: send rst → CLOSED', () => {
    finWait1().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
});

describe('FIN-WAIT-1', () => {
  test('FIN-WAIT-1: arrive ack-of-fin → FIN-WAIT-2', () => {
    finWait2();
  });
  test('FIN-WAIT-1: arrive fin-ack-of-fin → FIN-WAIT-2 → TIME-WAIT at the same frame (ACK before FIN, §3.10.7.4)', () => {
    const l = finWait1().play(`C<S FIN,ACK => C:TIME-WAIT S:LAST-ACK`);
    const client = l.conn?.changes.filter((c) => c.endpoint === 'a').slice(-2).map((c) => `${c.from}>${c.to}@${c.frame}`);
    expect(client).toEqual(['FIN-WAIT-1>FIN-WAIT-2@5', 'FIN-WAIT-2>TIME-WAIT@5']);
  });
  test('FIN-WAIT-1: arrive fin → CLOSING; the crossing FIN contradicts CLOSE-WAIT and arrives after the FIN (Figure 13)', () => {
    const l = established().play(`
      C>S FIN,ACK          => C:FIN-WAIT-1 S:CLOSE-WAIT
      C<S FIN,ACK ack=0    => C:CLOSING S:CLOSING`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3~ CLOSE-WAIT@4x5 FIN-WAIT-1@5 CLOSING@5~');
    expect(l.conn?.changes.find((c) => c.evidence === 'contradicted')?.contradiction).toBe('crossed');
  });
  test('FIN-WAIT-1: send fin stays (retransmission); send ack-of-fin → CLOSING when the peer\'s FIN arrival was contradicted', () => {
    const l = established().play(`
      C>S FIN,ACK                => C:FIN-WAIT-1 S:CLOSE-WAIT
      C<S FIN,ACK ack=0          => C:CLOSING S:CLOSING
      C<S FIN,ACK seq=1 ack=0    => C:FIN-WAIT-1 S:CLOSING
      C>S FIN,ACK seq=1 ack=2    => C:CLOSING S:TIME-WAIT`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@4 CLOSING@5x6 CLOSING@7');
  });
});

describe('FIN-WAIT-2', () => {
  test('FIN-WAIT-2: arrive fin → TIME-WAIT', () => {
    finWait2().play(`C<S FIN ack=2 => C:TIME-WAIT`);
  });
  test('FIN-WAIT-2: arrive fin-ack-of-fin → TIME-WAIT', () => {
    lastAck();
  });
  test('FIN-WAIT-2: send ack-of-fin → TIME-WAIT after a resent FIN contradicted the first arrival', () => {
    const l = lastAck().play(`
      C<S FIN,ACK seq=1 dt=0.2   => C:FIN-WAIT-2 S:LAST-ACK
      C>S ACK                    => C:TIME-WAIT S:CLOSED`);
    expect(l.path('C')).toBe('SYN-SENT@1 ESTABLISHED@2^3 FIN-WAIT-1@4 FIN-WAIT-2@5^8 TIME-WAIT@6x7 TIME-WAIT@8');
  });
  test('FIN-WAIT-2: arrive rst → CLOSED; CLOSE-WAIT: send rst', () => {
    finWait2().play(`C<S RST,ACK => C:CLOSED S:CLOSED`);
  });
  test('FIN-WAIT-2: send rst → CLOSED', () => {
    finWait2().play(`C>S RST,ACK => C:CLOSED`);
  });
});

describe('CLOSING', () => {
  const closing = () =>
    established().play(`
      C>S FIN,ACK
      C<S FIN,ACK ack=0    => C:CLOSING S:CLOSING`);
  test('CLOSING: arrive ack-of-fin → TIME-WAIT', () => {
    closing().play(`
      C>S ACK              => C:CLOSING S:TIME-WAIT
      C<S ACK              => C:TIME-WAIT S:TIME-WAIT`);
  });
  test('CLOSING: arrive fin-ack-of-fin → TIME-WAIT (a retransmitted FIN that now acknowledges)', () => {
    closing().play(`C<S FIN,ACK seq=0 => C:TIME-WAIT`);
  });
  test('CLOSING: send fin stays (retransmission)', () => {
    // The client's FIN again, unanswered: the server's CLOSING (frame 5, inferred) is contradicted.
    const l = closing().play(`C>S FIN,ACK seq=1 ack=0 => C:CLOSING S:FIN-WAIT-1`);
    expect(l.unexpected()).toEqual([]);
  });
  test('CLOSING: arrive rst → CLOSED; send rst → CLOSED', () => {
    closing().play(`C>S RST,ACK => C:CLOSED S:CLOSED`);
  });
});

describe('LAST-ACK', () => {
  test('LAST-ACK: arrive ack-of-fin → CLOSED', () => {
    timeWait();
  });
  test('LAST-ACK: arrive fin-ack-of-fin → CLOSED', () => {
    // The active closer's own FIN (retransmitted) carries the ACK of the passive closer's FIN.
    lastAck().play(`C>S FIN,ACK seq=0 => S:CLOSED`);
  });
  test('LAST-ACK: send fin stays; a FIN resent after the final ACK contradicts CLOSED', () => {
    const l = timeWait().play(`C<S FIN,ACK seq=1 dt=0.2 => C:TIME-WAIT S:LAST-ACK`);
    expect(l.path('S')).toBe('SYN-RECEIVED@2 ESTABLISHED@3^5 CLOSE-WAIT@4^5 LAST-ACK@6 CLOSED@7x8');
  });
  test('LAST-ACK: arrive rst → CLOSED', () => {
    lastAck().play(`C>S RST seq=2 => S:CLOSED`);
  });
  test('LAST-ACK: a RST left of the window (at the FIN) changes nothing', () => {
    lastAck().play(`C>S RST seq=1 => S:LAST-ACK`);
  });
  test('LAST-ACK: send rst → CLOSED', () => {
    lastAck().play(`C<S RST seq=2 => S:CLOSED`);
  });
});

describe('TIME-WAIT', () => {
  test('TIME-WAIT: arrive rst → CLOSED', () => {
    lastAck().play(`C<S RST seq=2 => C:CLOSED`);
  });
  test('TIME-WAIT: send rst → CLOSED', () => {
    timeWait().play(`C>S RST seq=2 => C:CLOSED`);
  });
});

test('every row of the transition table was taken on a ladder line whose expectation held', () => {
  const rows = [
    ...Object.entries(ON_SEND).flatMap(([s, ev]) => Object.keys(ev ?? {}).map((e) => `send ${s} ${e}`)),
    ...Object.entries(ON_ARRIVE).flatMap(([s, ev]) => Object.keys(ev ?? {}).map((e) => `arrive ${s} ${e}`)),
  ];
  expect(rows.filter((r) => !ROWS_TAKEN.has(r))).toEqual([]);
});
