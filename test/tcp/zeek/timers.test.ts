/**
 * Zeek's timers that end a connection, so the next packet of the four-tuple starts a new
 * conn.log row (zeek/zeek src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc, src/session/
 * Session.cc; defaults from scripts/base/init-bare.zeek). Rows are summarised as
 * "conn_state history orig_pkts/resp_pkts ended_by".
 */
import { describe, expect, test } from 'vitest';
import { ZeekTimerKind, ZeekTimers } from '../../../src/tcp/zeek/timers.js';
import type { ZeekSession } from '../../../src/tcp/zeek/session.js';
import { summary, zeekLadder } from './zeek-ladder.js';

describe('AttemptTimer (tcp_attempt_delay = 5 s)', () => {
  // TCPSessionAdapter::UpdateInactiveState: an originator's SYN sets AttemptTimer at t + 5 s;
  // AttemptTimer removes the connection while orig is SYN_SENT and resp INACTIVE.
  test('SYNs retried for 7 s without answer are two rows', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=1 C>S SYN seq=0
      t=3 C>S SYN seq=0
      t=7 C>S SYN seq=0`);
    expect(summary(rows)).toEqual(['S0 S 3/0 attempt', 'S0 S 1/0 end']);
  });

  test('an answered SYN is not removed by the attempt timer', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=9 C>S PSH,ACK len=10`);
    expect(summary(rows)).toEqual(['S1 ShAD 3/1 end']);
  });

  test('a client talking 10 s to a silent server: the attempt row, then a partial row', () => {
    // The example: the SYN's row ends at 5 s; the data after it starts an OTH row.
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=6 C>S PSH,ACK seq=1 ack=1 len=10
      t=10 C>S PSH,ACK seq=11 ack=1 len=10`);
    expect(summary(rows)).toEqual(['S0 S 1/0 attempt', 'OTH D 2/0 end']);
  });
});

describe('InactivityTimer (tcp_inactivity_timeout = 5 min once the handshake is over)', () => {
  // TCP_Endpoint::SetState switches Session::SetInactivityTimeout to tcp_inactivity_timeout when
  // an endpoint leaves the handshake states; Session::InactivityTimer removes the connection
  // when last_time + timeout <= network time (the timer fires at the next packet at or past it).
  test('a 300 s silence splits the connection; 299 s does not', () => {
    const split = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=300.2 C>S PSH,ACK len=5`);
    expect(summary(split.rows)).toEqual(['S1 ShA 2/1 inactivity', 'OTH D 1/0 end']);
    const kept = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=299.1 C>S PSH,ACK len=5`);
    expect(summary(kept.rows)).toEqual(['S1 ShAD 3/1 end']);
  });
});

describe('ConnectionClosed → ConnDeleteTimer (tcp_close_delay = 5 s)', () => {
  // TCPSessionAdapter::ConnectionClosed: a complete close (both sent FIN, or a RST, or the peer
  // never active) cancels the other timers and removes the connection tcp_close_delay after its
  // last time; last_time stops moving once both sides closed (Process: SetLastTime).
  test('both FINs: a packet 4 s later is the same row, 6 s later a new one', () => {
    const close = `
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=1 C>S FIN,ACK
      t=1.1 C<S FIN,ACK`;
    expect(summary(zeekLadder(`${close}\nt=5 C>S ACK`).rows)).toEqual(['SF ShAFf 4/2 end']);
    expect(summary(zeekLadder(`${close}\nt=6.2 C>S ACK`).rows)).toEqual(['SF ShAFf 3/2 close', 'OTH A 1/0 end']);
  });

  test('a RST completes the close: the next packet 6 s later is a new row', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=1 C<S RST,ACK
      t=7.1 C>S PSH,ACK len=3`);
    expect(summary(rows)).toEqual(['RSTR ShAr 2/2 close', 'OTH D 1/0 end']);
  });
});

describe('ExpireTimer (tcp_SYN_timeout = 5 s, then every tcp_session_timer = 6 s)', () => {
  // TCPSessionAdapter::ExpireTimer: "Nothing ever happened on this connection" (both endpoints
  // INACTIVE, e.g. only a bad-checksum packet) and no activity for tcp_connection_linger → removed.
  test('a bad-checksum SYN alone is removed at the first expire check past the linger', () => {
    const gone = zeekLadder(`
      t=0 C>S SYN bad
      t=5.5 C>S PSH,ACK seq=1 ack=1 len=5`);
    expect(summary(gone.rows)).toEqual(['OTH C 0/0 expire', 'OTH D 1/0 end']);
    const kept = zeekLadder(`
      t=0 C>S SYN bad
      t=4.9 C>S PSH,ACK seq=1 ack=1 len=5`);
    expect(summary(kept.rows)).toEqual(['OTH CD 1/0 end']);
  });

  // IsReuse sees a SYN whose sequence number differs from the never-initialised start: reuse.
  test('a good SYN after a bad one is a reuse (the bad one initialised nothing)', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN bad
      t=1 C>S SYN seq=0`);
    expect(summary(rows)).toEqual(['OTH C 0/0 reuse', 'S0 S 1/0 end']);
  });

  // ExpireTimer with one side closed and the other RESET: removed linger after the last packet.
  test('one FIN and then the peer never answers: half-closed rows wait for inactivity', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=1 C>S FIN,ACK
      t=100 C>S FIN,ACK seq=1`);
    expect(summary(rows)).toEqual(['S2 ShAF 4/1 end']);
  });
});

describe('IsReuse: a new SYN on the four-tuple', () => {
  // TCPSessionAdapter::IsReuse: a SYN with another sequence number while the connection is not
  // closed (active_connection_reuse), or any SYN once one side closed, starts a new connection.
  test('a SYN with a new ISN in an established connection starts a new row', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=1 C>S SYN seq=5000`);
    expect(summary(rows)).toEqual(['S1 ShA 2/1 reuse', 'S0 S 1/0 end']);
    expect(rows[0]?.weirds.map((w) => w.name)).toEqual(['active_connection_reuse']);
  });

  test('a retransmitted SYN (same ISN) is not a reuse', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=1 C>S SYN seq=0`);
    expect(summary(rows)).toEqual(['S0 S 2/0 end']);
  });

  test('a SYN 2 s after both FINs: premature_connection_reuse, new row', () => {
    const { rows } = zeekLadder(`
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK
      t=1 C>S FIN,ACK
      t=1.1 C<S FIN,ACK
      t=3 C>S SYN seq=9000`);
    expect(summary(rows)).toEqual(['SF ShAFf 3/2 reuse', 'S0 S 1/0 end']);
    expect(rows[0]?.weirds.map((w) => w.name)).toEqual(['premature_connection_reuse']);
  });
});

describe('ZeekTimers: bounded by the live sessions', () => {
  // A session removed by its attempt timer still has a 1-minute inactivity timer pending; a SYN
  // flood must not keep every session until then.
  test('timers of dead owners are dropped when the queue grows', () => {
    const timers = new ZeekTimers();
    const owners = Array.from({ length: 20_000 }, () => ({ alive: true, onTimer: () => undefined, pending(): boolean { return this.alive; } }));
    owners.forEach((o, i) => {
      timers.add(1000 + i, ZeekTimerKind.Inactivity, o, 0);
      if (i > 10) (owners[i - 10] as { alive: boolean }).alive = false;
    });
    expect(timers.size).toBeLessThan(10_000);
    // live owners' timers still fire, in time order
    const fired: number[] = [];
    const o = { onTimer: (_k: number, t: number) => void fired.push(t), pending: () => true };
    timers.add(5, ZeekTimerKind.Expire, o, 0);
    timers.add(3, ZeekTimerKind.Expire, o, 0);
    timers.advance(10);
    expect(fired).toEqual([10, 10]);
  });
});

describe('ZeekTimers.advance', () => {
  test('a timer set again for a time already due waits for the next advance (past 2^53 s, t + 6 === t)', () => {
    const timers = new ZeekTimers();
    const t = 2 ** 60;
    expect(t + 6).toBe(t);
    let fired = 0;
    const owner = {
      pending: () => true,
      onTimer(_kind: ZeekTimerKind, now: number) {
        fired++;
        // ExpireTimer's reschedule (bounded here, so that without the rule the test fails rather than hangs)
        if (fired < 100) timers.add(now + 6, ZeekTimerKind.Expire, owner, 0);
      },
    };
    timers.add(t, ZeekTimerKind.Expire, owner, 0);
    timers.advance(t);
    expect(fired).toBe(1);
    timers.advance(t);
    expect(fired).toBe(2);
    expect(timers.size).toBe(1);
  });

  test('timers set before an advance all fire in it, in time order', () => {
    const timers = new ZeekTimers();
    const order: number[] = [];
    const owner = (n: number) => ({ pending: () => true, onTimer: () => void order.push(n) });
    timers.add(3, ZeekTimerKind.Expire, owner(3), 0);
    timers.add(1, ZeekTimerKind.Expire, owner(1), 0);
    timers.add(2, ZeekTimerKind.Expire, owner(2), 0);
    timers.add(9, ZeekTimerKind.Expire, owner(9), 0);
    timers.advance(5);
    expect(order).toEqual([1, 2, 3]);
  });

  test('timers of owners gone are dropped once the gone owners are half the entries, and the rest still fire in order', () => {
    const timers = new ZeekTimers();
    const fired: number[] = [];
    const owners = Array.from({ length: 4000 }, (_, i) => {
      let alive = true;
      return { kill: () => (alive = false), pending: () => alive, onTimer: () => void fired.push(i) };
    });
    owners.forEach((o, i) => timers.add(1000 + i, ZeekTimerKind.Inactivity, o, 0));
    // The first 1,999 handed on: not yet half the entries, nothing dropped.
    for (let i = 0; i < 1999; i++) {
      owners[i]?.kill();
      timers.ownerGone();
    }
    expect(timers.size).toBe(4000);
    owners[1999]?.kill();
    timers.ownerGone();
    expect(timers.size).toBe(2000);
    timers.advance(10_000);
    expect(fired).toEqual(Array.from({ length: 2000 }, (_, i) => 2000 + i));
  });
});

describe('ZeekTimers: cancelled timers', () => {
  // Analyzer::CancelTimers and Session::SetInactivityTimeout cancel a session's pending timers;
  // here a cancelled timer stays queued (its epoch has passed) until due or until the queue is
  // compacted, which drops it: it could never act.
  test('timers set in a passed epoch are dropped when the queue grows, the current ones kept', () => {
    const timers = new ZeekTimers();
    const fired: number[] = [];
    const owner = {
      epoch: 0,
      pending(_kind: ZeekTimerKind, epoch: number): boolean {
        return epoch === this.epoch;
      },
      onTimer: (_k: ZeekTimerKind, _t: number, epoch: number) => void fired.push(epoch),
    };
    // Each epoch sets one timer and the next epoch cancels it (as a session re-arming).
    for (let e = 0; e < 4096; e++) {
      owner.epoch = e;
      timers.add(1_000_000 - e, ZeekTimerKind.Expire, owner, e);
    }
    expect(timers.size).toBe(4096);
    // The next add compacts: only the current epoch's timer is left, then the new one.
    timers.add(5, ZeekTimerKind.Expire, owner, 4095);
    expect(timers.size).toBe(2);
    timers.advance(2_000_000);
    expect(fired).toEqual([4095, 4095]);
  });

  test('the heap keeps time order, then order of setting, across growth and ties', () => {
    const timers = new ZeekTimers();
    const fired: string[] = [];
    const owners = Array.from({ length: 50 }, (_, n) => ({ pending: () => true, onTimer: (_k: ZeekTimerKind, _t: number, epoch: number) => void fired.push(`${n}:${epoch}`) }));
    const expected: { at: number; order: number; label: string }[] = [];
    // A fixed pseudo-random sequence of times with many ties.
    let x = 12345;
    for (let k = 0; k < 3000; k++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const n = x % 50;
      const at = x % 97;
      timers.add(at, ZeekTimerKind.Expire, owners[n] as (typeof owners)[number], k);
      expected.push({ at, order: k, label: `${n}:${k}` });
    }
    // Half of them due first, then timers added between the two advances, then the rest.
    timers.advance(48);
    for (let k = 3000; k < 3100; k++) {
      timers.add(60 + (k % 7), ZeekTimerKind.Expire, owners[k % 50] as (typeof owners)[number], k);
      expected.push({ at: 60 + (k % 7), order: k, label: `${k % 50}:${k}` });
    }
    timers.advance(100);
    expected.sort((p, q) => (p.at <= 48 ? 0 : 1) - (q.at <= 48 ? 0 : 1) || p.at - q.at || p.order - q.order);
    expect(fired).toEqual(expected.map((e) => e.label));
    expect(timers.size).toBe(0);
  });
});

describe('ZeekSession.pending: which queued timers can still act', () => {
  // Session::SetInactivityTimeout cancels the 1-minute inactivity timer set at the first packet
  // when the handshake ends (5 min from then on); Analyzer::CancelTimers, at a complete close,
  // cancels the expire timer before setting ConnDeleteTimer; a removed session's timers are all dead.
  test('the first inactivity timer is cancelled by the handshake, the expire timer by the close, all by the removal', () => {
    const handshake = `
      t=0 C>S SYN
      t=0.1 C<S SYN,ACK
      t=0.2 C>S ACK`;
    const open = zeekLadder(handshake).rows[0] as ZeekSession;
    // Epoch 1: the first packet's 1-minute timer; epoch 2: the handshake's 5-minute one.
    expect(open.pending(ZeekTimerKind.Inactivity, 1)).toBe(false);
    expect(open.pending(ZeekTimerKind.Inactivity, 2)).toBe(true);
    expect(open.pending(ZeekTimerKind.Expire, 0)).toBe(true);
    const closed = zeekLadder(`${handshake}\nt=1 C>S FIN,ACK\nt=1.1 C<S FIN,ACK`).rows[0] as ZeekSession;
    expect(closed.pending(ZeekTimerKind.Expire, 0)).toBe(false);
    expect(closed.pending(ZeekTimerKind.ConnDelete, 1)).toBe(true);
    const removed = zeekLadder(`${handshake}\nt=1 C>S FIN,ACK\nt=1.1 C<S FIN,ACK\nt=6.2 C>S ACK`).rows[0] as ZeekSession;
    expect(removed.removed).toBe('close');
    expect(removed.pending(ZeekTimerKind.ConnDelete, 1)).toBe(false);
    expect(removed.pending(ZeekTimerKind.Inactivity, 2)).toBe(false);
  });
});
