/**
 * Zeek's timer manager for the sessions of one capture (zeek/zeek src/Timer.cc PQ_TimerMgr):
 * one priority queue in capture time. Before each packet, RunState.cc dispatch_packet() advances
 * network time (which never goes back) and expire_timers() dispatches every timer whose time is
 * ≤ network time, passing the *current* network time to it (TimerMgr::DoAdvance:
 * `timer->Dispatch(new_t, false)`), so a timer's checks see the packet's time, not its own.
 * A timer is set when a session sets one (a few per connection), never per packet.
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
  /**
   * Whether this timer can still do anything when it fires: false once the owner's timers no
   * longer matter (removed, or its connection handed on) or the timer was cancelled (set in an
   * epoch that has passed). False must stay false: such entries are dropped unfired.
   */
  pending(kind: ZeekTimerKind, epoch: number): boolean;
}

/**
 * The queue is a binary heap kept in parallel arrays, one slot per timer (time, order of
 * setting, kind, epoch, owner): no object per timer, and no boxed number for its time. A
 * capture holds a few timers per live Zeek session (inactivity, expire or attempt, and the ones
 * cancelled but not yet due), about 140,000 at the peak of the shared generator's 1 GB mix.
 */
export class ZeekTimers {
  private at = new Float64Array(INITIAL_SLOTS);
  /** Order of setting: among timers due at the same time, the one set first fires first. */
  private order = new Float64Array(INITIAL_SLOTS);
  private kind = new Uint8Array(INITIAL_SLOTS);
  private epoch = new Float64Array(INITIAL_SLOTS);
  private owner: (TimerOwner | null)[] = [];
  private count = 0;
  private seq = 0;
  /** Network time: the latest packet time seen (RunState.cc update_network_time). */
  now = -Infinity;
  /**
   * The queue size at which timers that can no longer fire are dropped. A session removed by one
   * timer still has others pending (its 1-minute inactivity timer outlives a 5-second attempt),
   * and a cancelled timer stays queued until due: without this, a SYN flood would keep every
   * session until its last timer fired.
   */
  private compactAt = COMPACT_MIN;
  /** Owners gone (see ownerGone) since the last compaction. */
  private gone = 0;

  get size(): number {
    return this.count;
  }

  add(at: number, kind: ZeekTimerKind, owner: TimerOwner, epoch: number): void {
    if (this.count >= this.compactAt) this.compact();
    // siftUp keeps a spare slot past the last timer, so slot `count` is always there.
    const i = this.count++;
    this.put(i, at, this.seq++, kind, epoch, owner);
    this.siftUp(i);
  }

  /**
   * RunState.cc dispatch_packet: network time moves to max(now, t); due timers fire. Only the
   * timers set before this call: one that a dispatched timer sets again for a time already due
   * waits for the next packet. Zeek's own loop would dispatch it again at once, and on times past
   * 2^53 s (a damaged capture's), where `t + 6 === t`, an expire timer would re-arm for ever.
   */
  advance(t: number): void {
    if (t > this.now) this.now = t;
    const setBefore = this.seq;
    while (this.count > 0 && (this.at[0] as number) <= this.now && (this.order[0] as number) < setBefore) {
      const owner = this.owner[0] as TimerOwner;
      const kind = this.kind[0] as ZeekTimerKind;
      const epoch = this.epoch[0] as number;
      this.popTop();
      owner.onTimer(kind, this.now, epoch);
    }
  }

  /**
   * An owner's timers no longer matter (its connection was handed on): once such owners are as
   * many as half the entries, the queue is compacted, so ended connections' sessions are not
   * kept alive by timers due minutes of capture time later (amortised: each compaction is paid
   * for by the owners that went since the last).
   */
  ownerGone(): void {
    if (++this.gone >= COMPACT_MIN / 4 && this.gone * 2 >= this.count) this.compact();
  }

  /**
   * Drops every timer: the capture has ended and no packet will advance network time again
   * (Zeek at termination removes its sessions without dispatching their timers; their rows end
   * as ended_by "end"). Their sessions are then kept only by their connections.
   */
  clear(): void {
    this.owner.fill(null, 0, this.count);
    this.count = 0;
    this.gone = 0;
    this.compactAt = COMPACT_MIN;
  }

  /** Drops the timers that can no longer fire and rebuilds the heap (amortised: the limit doubles past the kept ones). */
  private compact(): void {
    this.gone = 0;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const owner = this.owner[i] as TimerOwner;
      if (!owner.pending(this.kind[i] as ZeekTimerKind, this.epoch[i] as number)) continue;
      if (n !== i) this.put(n, this.at[i] as number, this.order[i] as number, this.kind[i] as ZeekTimerKind, this.epoch[i] as number, owner);
      n++;
    }
    this.owner.fill(null, n, this.count); // drop the references to the owners gone
    this.count = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.compactAt = Math.max(COMPACT_MIN, 2 * n);
  }

  private put(i: number, at: number, order: number, kind: ZeekTimerKind, epoch: number, owner: TimerOwner): void {
    this.at[i] = at;
    this.order[i] = order;
    this.kind[i] = kind;
    this.epoch[i] = epoch;
    this.owner[i] = owner;
  }

  /** Moves slot `from` to slot `to`. */
  private move(from: number, to: number): void {
    this.put(to, this.at[from] as number, this.order[from] as number, this.kind[from] as ZeekTimerKind, this.epoch[from] as number, this.owner[from] as TimerOwner);
  }

  /** Whether slot i fires before slot j: earlier time, then set first. */
  private before(i: number, j: number): boolean {
    const ai = this.at[i] as number;
    const aj = this.at[j] as number;
    return ai < aj || (ai === aj && (this.order[i] as number) < (this.order[j] as number));
  }

  private siftUp(i: number): void {
    // The new timer waits in the spare slot past the end while its parents move down.
    const spare = this.count;
    if (spare === this.at.length) this.grow();
    this.move(i, spare);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(spare, p)) break;
      this.move(p, i);
      i = p;
    }
    this.move(spare, i);
    this.owner[spare] = null;
  }

  private siftDown(i: number): void {
    const n = this.count;
    const spare = n; // below the capacity: siftDown runs after a timer left, or at a compaction
    this.move(i, spare);
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(r, l) ? r : l;
      if (!this.before(c, spare)) break;
      this.move(c, i);
      i = c;
    }
    this.move(spare, i);
    this.owner[spare] = null;
  }

  /** Removes the earliest timer. */
  private popTop(): void {
    const last = --this.count;
    if (last > 0) {
      this.move(last, 0);
      this.owner[last] = null;
      this.siftDown(0);
    } else this.owner[0] = null;
  }

  private grow(): void {
    const size = this.at.length * 2;
    this.at = copied(this.at, new Float64Array(size));
    this.order = copied(this.order, new Float64Array(size));
    this.kind = copied(this.kind, new Uint8Array(size));
    this.epoch = copied(this.epoch, new Float64Array(size));
  }
}

/** `to` (a larger array) with `from` copied to its start. */
function copied<T extends Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const INITIAL_SLOTS = 64;
const COMPACT_MIN = 4096;
