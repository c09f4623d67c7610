/**
 * Zeek's timer manager for the sessions of one capture (zeek/zeek src/Timer.cc PQ_TimerMgr):
 * one priority queue in capture time. Before each packet, RunState.cc dispatch_packet() advances
 * network time (which never goes back) and expire_timers() dispatches every timer whose time is
 * ≤ network time, passing the *current* network time to it (TimerMgr::DoAdvance:
 * `timer->Dispatch(new_t, false)`), so a timer's checks see the packet's time, not its own.
 * Timers are objects made when a session sets one (a few per connection), never per packet.
 */
export const ZeekTimerKind = {
  /** Session::InactivityTimer. */
  Inactivity: 0,
  /** TCPSessionAdapter::ExpireTimer. */
  Expire: 1,
  /** TCPSessionAdapter::AttemptTimer. */
  Attempt: 2,
  /** TCPSessionAdapter::PartialCloseTimer. */
  PartialClose: 3,
  /** TCPSessionAdapter::ResetTimer. */
  Reset: 4,
  /** TCPSessionAdapter::ConnDeleteTimer → Session::DeleteTimer. */
  ConnDelete: 5,
} as const;
export type ZeekTimerKind = (typeof ZeekTimerKind)[keyof typeof ZeekTimerKind];

export interface TimerOwner {
  /** Called with the network time of the dispatch; `epoch` is the one the timer was set in. */
  onTimer(kind: ZeekTimerKind, t: number, epoch: number): void;
  /** False once the owner's timers can no longer matter (removed, or its connection handed on). */
  live(): boolean;
}

interface Entry {
  at: number;
  seq: number;
  kind: ZeekTimerKind;
  owner: TimerOwner;
  epoch: number;
}

export class ZeekTimers {
  private readonly heap: Entry[] = [];
  /** Dispatched entries, reused by add (a connection's timers re-arm every few seconds). */
  private readonly free: Entry[] = [];
  private seq = 0;
  /** Network time: the latest packet time seen (RunState.cc update_network_time). */
  now = -Infinity;
  /**
   * The heap size at which timers of dead owners are dropped. A session removed by one timer
   * still has others pending (its 1-minute inactivity timer outlives a 5-second attempt): without
   * this, a SYN flood would keep every session until its last timer fired.
   */
  private compactAt = COMPACT_MIN;
  /** Owners gone (see ownerGone) since the last compaction. */
  private gone = 0;

  get size(): number {
    return this.heap.length;
  }

  add(at: number, kind: ZeekTimerKind, owner: TimerOwner, epoch: number): void {
    if (this.heap.length >= this.compactAt) this.compact();
    const reused = this.free.pop();
    let e: Entry;
    if (reused === undefined) e = { at, seq: this.seq++, kind, owner, epoch };
    else {
      e = reused;
      e.at = at;
      e.seq = this.seq++;
      e.kind = kind;
      e.owner = owner;
      e.epoch = epoch;
    }
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, h[p] as Entry)) break;
      h[i] = h[p] as Entry;
      i = p;
    }
    h[i] = e;
  }

  /**
   * RunState.cc dispatch_packet: network time moves to max(now, t); due timers fire. Only the
   * timers set before this call: one that a dispatched timer sets again for a time already due
   * waits for the next packet. Zeek's own loop would dispatch it again at once, and on times past
   * 2^53 s (a damaged capture's), where `t + 6 === t`, an expire timer would re-arm for ever.
   */
  advance(t: number): void {
    if (t > this.now) this.now = t;
    const h = this.heap;
    const setBefore = this.seq;
    while (h.length > 0 && (h[0] as Entry).at <= this.now && (h[0] as Entry).seq < setBefore) {
      const top = this.pop();
      const owner = top.owner;
      const kind = top.kind;
      const epoch = top.epoch;
      top.owner = NO_OWNER; // drop the session reference
      if (this.free.length < MAX_FREE) this.free.push(top);
      owner.onTimer(kind, this.now, epoch);
    }
  }

  /**
   * An owner's timers no longer matter (its connection was handed on): once such owners are as
   * many as half the entries, the heap is compacted, so ended connections' sessions are not kept
   * alive by timers due minutes of capture time later (amortised: each compaction is paid for
   * by the owners that went since the last).
   */
  ownerGone(): void {
    if (++this.gone >= COMPACT_MIN / 4 && this.gone * 2 >= this.heap.length) this.compact();
  }

  /** Drops the entries of dead owners and rebuilds the heap (amortised: the limit doubles past the live ones). */
  private compact(): void {
    this.gone = 0;
    const h = this.heap;
    let n = 0;
    for (let i = 0; i < h.length; i++) {
      const e = h[i] as Entry;
      if (e.owner.live()) h[n++] = e;
      else if (this.free.length < MAX_FREE) {
        e.owner = NO_OWNER;
        this.free.push(e);
      }
    }
    h.length = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.compactAt = Math.max(COMPACT_MIN, 2 * n);
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const e = h[i] as Entry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && less(h[r] as Entry, h[l] as Entry) ? r : l;
      if (!less(h[c] as Entry, e)) break;
      h[i] = h[c] as Entry;
      i = c;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0] as Entry;
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }
}

const NO_OWNER: TimerOwner = { onTimer: () => undefined, live: () => false };
const MAX_FREE = 4096;
const COMPACT_MIN = 4096;

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
