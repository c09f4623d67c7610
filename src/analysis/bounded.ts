/**
 * Bounded memory for the capture-scoped rules (syn-flood, port-scan, listen-queue-overflow,
 * time-wait-reuse): their state must follow a fixed budget, not the capture's size, since a
 * flood or a scan makes one entry per spoofed source or probed port.
 *
 * - BoundedTable: a keyed table of at most `capacity` entries. When it is full, entries the
 *   rule says it may forget are dropped, oldest first (a Map iterates in insertion order), pass
 *   after pass, until it is back under `capacity × keepShare`; if it is still full, the new key
 *   is not taken (the rule goes on without it).
 * - CappedSet: distinct values counted exactly up to a cap, then only "more than cap"; the
 *   first value is held without a Set (most sources try one port, most targets see one source).
 */

export class BoundedTable<K, V> {
  readonly entries = new Map<K, V>();

  /**
   * @param capacity  entries held at most
   * @param forgettable  the passes run when full, in order: each says whether an entry may go
   * @param keepShare  share of capacity the table is brought back to when full
   */
  constructor(
    readonly capacity: number,
    private readonly forgettable: readonly ((value: V) => boolean)[],
    private readonly keepShare = 0.9,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** The entry for key, made by create() if there is none and there is room; undefined when full. */
  obtain(key: K, create: () => V): V | undefined {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    if (this.entries.size >= this.capacity) this.forget();
    if (this.entries.size >= this.capacity) return undefined;
    const made = create();
    this.entries.set(key, made);
    return made;
  }

  private forget(): void {
    const goal = this.capacity * this.keepShare;
    for (const mayGo of this.forgettable) {
      for (const [k, v] of this.entries) {
        if (this.entries.size <= goal) return;
        if (mayGo(v)) this.entries.delete(k);
      }
    }
  }
}

export class CappedSet<T> {
  private first: T | undefined = undefined;
  private rest: Set<T> | null = null;
  /** A value past the cap was seen: the true count is larger than size. */
  overflow = false;

  constructor(readonly cap: number) {}

  get size(): number {
    return this.rest !== null ? this.rest.size : this.first === undefined ? 0 : 1;
  }

  add(value: T): void {
    if (this.first === undefined) {
      this.first = value;
      return;
    }
    if (this.rest === null) {
      if (value === this.first) return;
      if (this.cap <= 1) {
        this.overflow = true;
        return;
      }
      this.rest = new Set([this.first, value]);
      return;
    }
    if (this.rest.has(value)) return;
    if (this.rest.size < this.cap) this.rest.add(value);
    else this.overflow = true;
  }
}
