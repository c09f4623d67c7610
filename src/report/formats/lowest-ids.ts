/**
 * The `k` lowest ids of those added, in any order: a max-heap of at most k ids in a typed array.
 * The HTML report embeds details for the first connections by id (html.ts) while connections
 * end in any order; this says, as each ends, whether it is still among them and which one it
 * pushed out.
 */
export class LowestIds {
  private readonly heap: Int32Array;
  private n = 0;

  constructor(private readonly k: number) {
    this.heap = new Int32Array(Math.max(0, k));
  }

  get size(): number {
    return this.n;
  }

  /** Adds `id` (ids are distinct, ≥ 0): returns the id no longer among the k lowest (`id` itself if it never was), or -1. */
  add(id: number): number {
    const h = this.heap;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if ((h[p] as number) >= id) break;
        h[i] = h[p] as number;
        i = p;
      }
      h[i] = id;
      return -1;
    }
    if (this.k === 0 || id > (h[0] as number)) return id;
    const out = h[0] as number;
    // Replace the largest and sift down.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && (h[r] as number) > (h[l] as number) ? r : l;
      if ((h[c] as number) <= id) break;
      h[i] = h[c] as number;
      i = c;
    }
    h[i] = id;
    return out;
  }

  /** The ids kept, in ascending order. */
  ids(): number[] {
    return Array.from(this.heap.subarray(0, this.n)).sort((a, b) => a - b);
  }
}
