/**
 * A set of frame numbers as a bitset that grows as needed: one bit per frame of the capture
 * (12.5 MB for 100 million frames), whatever the frames hold. `tcplens slice` marks the frames
 * of the selected connections in its first pass and copies them in its second.
 */
export class FrameSet {
  private bits = new Uint32Array(1024);
  /** Frames in the set. */
  size = 0;

  add(frame: number): void {
    const word = frame >>> 5;
    if (word >= this.bits.length) {
      let n = this.bits.length * 2;
      while (n <= word) n *= 2;
      const grown = new Uint32Array(n);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (frame & 31);
    if (((this.bits[word] as number) & mask) === 0) {
      this.bits[word] = (this.bits[word] as number) | mask;
      this.size++;
    }
  }

  has(frame: number): boolean {
    const word = frame >>> 5;
    return word < this.bits.length && ((this.bits[word] as number) & (1 << (frame & 31))) !== 0;
  }
}

/** Frame numbers in the order added, in a growing Uint32Array (4 bytes a frame). */
export class FrameList {
  private frames = new Uint32Array(16);
  length = 0;

  push(frame: number): void {
    if (this.length === this.frames.length) {
      const grown = new Uint32Array(this.frames.length * 2);
      grown.set(this.frames);
      this.frames = grown;
    }
    this.frames[this.length++] = frame;
  }

  addTo(set: FrameSet): void {
    for (let i = 0; i < this.length; i++) set.add(this.frames[i] as number);
  }
}
