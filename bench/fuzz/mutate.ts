/**
 * The fuzz campaign's mutator: seeded, so mutant i of seed S is the same bytes on every machine
 * and in every run (`npm run fuzz -- --seed S --only i` replays one).
 *
 * Seeds are real captures (samples/, ../shared/corpus/) and snoop files made from them. A mutant
 * applies one to three of the mutations below to a seed, then may wrap the result in gzip:
 *   bytes      bit flips; overwrites with interesting values (0, ff, 7fffffff, 80000000, …)
 *   cut        a truncation (its offset is kept: frames before it must all be read, check.ts)
 *   garbage    a valid magic (4, 8 or a whole file header) followed by random bytes
 *   pcap       file header fields (version, snaplen, link type and its reserved bits) and
 *              record fields (captured length 0, huge, above snaplen, above original length;
 *              a sub-second field of a second or more)
 *   pcapng     block total lengths (leading ≠ trailing, 0, huge, unaligned, under 12) and inner
 *              fields: SHB (byte-order magic, version, section length), IDB (link type, snaplen,
 *              if_tsresol values, options), EPB (interface id, captured and original lengths)
 *   records    a record duplicated, records shuffled, records of another seed spliced in
 *   big        records repeated past 1 MiB, so the reader crosses its 1 MiB read chunks (and
 *              gunzip its input slices) — the class where the gzip crash lived
 *   gzip       wrapped; wrapped then damaged (flip, cut, trailer cut, a second member, gzip in gzip)
 */
import { gzipSync } from 'node:zlib';

/** xorshift128+ on two 32-bit halves, good enough and identical everywhere. */
export class Rng {
  private a: number;
  private b: number;
  constructor(seed: number, stream: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.b = (Math.imul(stream + 1, 0x85ebca6b) ^ seed) >>> 0 || 2;
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    let x = this.a;
    const y = this.b;
    this.a = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.b = x >>> 0;
    return (this.a + this.b) >>> 0;
  }
  /** 0 ≤ n < max */
  int(max: number): number {
    return max <= 1 ? 0 : this.u32() % max;
  }
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let k = 0; k < 4 && i + k < n; k++) b[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return b;
  }
}

export type SeedFormat = 'pcap' | 'pcapng' | 'snoop';

export interface Seed {
  name: string;
  bytes: Buffer;
  format: SeedFormat;
}

/** A seed cut into its file header and its records (pcapng: every block after the first SHB). */
export interface Split {
  format: SeedFormat;
  le: boolean;
  header: Buffer;
  records: Buffer[];
  /** Bytes after the last whole record (a seed that is itself cut). */
  tail: Buffer;
}

export function formatOf(bytes: Buffer): SeedFormat | null {
  if (bytes.length < 8) return null;
  const be = bytes.readUInt32BE(0);
  const le = bytes.readUInt32LE(0);
  if ([be, le].some((m) => m === 0xa1b2c3d4 || m === 0xa1b23c4d)) return 'pcap';
  if (be === 0x0a0d0d0a) return 'pcapng';
  if (bytes.subarray(0, 8).toString('latin1') === 'snoop\0\0\0') return 'snoop';
  return null;
}

export function split(seed: Seed): Split {
  const b = seed.bytes;
  const records: Buffer[] = [];
  if (seed.format === 'pcap') {
    const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
    let pos = 24;
    while (pos + 16 <= b.length) {
      const caplen = le ? b.readUInt32LE(pos + 8) : b.readUInt32BE(pos + 8);
      if (pos + 16 + caplen > b.length) break;
      records.push(b.subarray(pos, pos + 16 + caplen));
      pos += 16 + caplen;
    }
    return { format: 'pcap', le, header: b.subarray(0, Math.min(24, b.length)), records, tail: b.subarray(Math.min(pos, b.length)) };
  }
  if (seed.format === 'snoop') {
    let pos = 16;
    while (pos + 24 <= b.length) {
      const reclen = b.readUInt32BE(pos + 8);
      if (reclen < 24 || pos + reclen > b.length) break;
      records.push(b.subarray(pos, pos + reclen));
      pos += reclen;
    }
    return { format: 'snoop', le: false, header: b.subarray(0, 16), records, tail: b.subarray(pos) };
  }
  const le = b.length >= 12 && b.readUInt32LE(8) === 0x1a2b3c4d;
  const len = (p: number): number => (le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4));
  const first = b.length >= 12 ? len(0) : b.length;
  let pos = Math.min(first, b.length);
  while (pos + 12 <= b.length) {
    const l = len(pos);
    if (l < 12 || l % 4 !== 0 || pos + l > b.length) break;
    records.push(b.subarray(pos, pos + l));
    pos += l;
  }
  return { format: 'pcapng', le, header: b.subarray(0, Math.min(first, b.length)), records, tail: b.subarray(pos) };
}

export function join(s: Split): Buffer {
  return Buffer.concat([s.header, ...s.records, s.tail]);
}

/** A snoop file holding a pcap seed's Ethernet frames (RFC 1761), so snoop is fuzzed too. */
export function snoopFrom(seed: Seed): Seed | null {
  if (seed.format !== 'pcap' || seed.bytes.length < 24) return null;
  const s = split(seed);
  const linkType = s.le ? seed.bytes.readUInt32LE(20) : seed.bytes.readUInt32BE(20);
  if ((linkType & 0xffff) !== 1) return null;
  const header = Buffer.alloc(16);
  header.write('snoop\0\0\0', 0, 'latin1');
  header.writeUInt32BE(2, 8);
  header.writeUInt32BE(4, 12);
  const records = s.records.map((r) => {
    const u32 = (o: number): number => (s.le ? r.readUInt32LE(o) : r.readUInt32BE(o));
    const caplen = u32(8);
    const reclen = 24 + ((caplen + 3) & ~3);
    const out = Buffer.alloc(reclen);
    out.writeUInt32BE(u32(12), 0);
    out.writeUInt32BE(caplen, 4);
    out.writeUInt32BE(reclen, 8);
    out.writeUInt32BE(u32(0), 16);
    out.writeUInt32BE(u32(4) % 1_000_000, 20);
    r.copy(out, 24, 16, 16 + caplen);
    return out;
  });
  return { name: `${seed.name}.snoop`, bytes: Buffer.concat([header, ...records]), format: 'snoop' };
}

const INTERESTING_32 = [0, 1, 11, 12, 13, 0x7f, 0xff, 0xffff, 0x10000, 0x40000, 0x40001, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff];

function write32(b: Buffer, at: number, v: number, le: boolean): void {
  if (at < 0 || at + 4 > b.length) return;
  if (le) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
}
function write16(b: Buffer, at: number, v: number, le: boolean): void {
  if (at < 0 || at + 2 > b.length) return;
  if (le) b.writeUInt16LE(v & 0xffff, at);
  else b.writeUInt16BE(v & 0xffff, at);
}

export interface Mutant {
  /** Seed index, mutant index and what was done, for people and for the artifact's name. */
  seed: string;
  index: number;
  mutations: string[];
  bytes: Buffer;
  /** For a plain truncation: the (uncompressed) offset of the cut… */
  cut: number | null;
  /** …and the capture it cuts (the seed, possibly made big). */
  whole: Buffer | null;
  gzip: boolean;
}

type Mutation = (s: Split, rng: Rng, seeds: readonly Seed[]) => string | null;

const bytesMutations: Record<string, (b: Buffer, rng: Rng) => string> = {
  flip(b, rng) {
    const n = 1 + rng.int(8);
    for (let i = 0; i < n; i++) {
      const at = rng.int(b.length);
      b[at] = (b[at] as number) ^ (1 << rng.int(8));
    }
    return `flip×${n}`;
  },
  overwrite(b, rng) {
    const at = rng.int(b.length);
    if (rng.chance(0.5)) {
      const v = rng.pick(INTERESTING_32);
      write32(b, at, v, rng.chance(0.5));
      return `overwrite32@${at}=${v.toString(16)}`;
    }
    const n = 1 + rng.int(16);
    for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = rng.chance(0.5) ? rng.pick(INTERESTING_8) : rng.int(256);
    return `overwrite@${at}+${n}`;
  },
};

const structural: Record<string, Mutation> = {
  pcapHeader(s, rng) {
    if (s.format !== 'pcap' || s.header.length < 24) return null;
    const h = Buffer.from(s.header);
    const field = rng.pick(['version', 'snaplen', 'linktype', 'reserved', 'zone'] as const);
    if (field === 'version') {
      write16(h, 4, rng.pick([0, 1, 2, 3, 9]), s.le);
      write16(h, 6, rng.pick([0, 3, 4, 5, 9]), s.le);
    } else if (field === 'snaplen') write32(h, 16, rng.pick([0, 1, 14, 54, 96, 65535, 262144, 0xffffffff]), s.le);
    else if (field === 'linktype') write32(h, 20, rng.pick([0, 1, 101, 113, 228, 276, 0xffff, rng.u32() & 0xffff]), s.le);
    else if (field === 'reserved') write32(h, 20, 1 | (rng.pick([0x04000000, 0x03ff0000, 0xf4000000, 0x10000]) >>> 0), s.le);
    else write32(h, 8, rng.u32(), s.le);
    s.header = h;
    return `pcap-header-${field}`;
  },
  pcapRecord(s, rng) {
    if (s.format !== 'pcap' || s.records.length === 0) return null;
    const i = rng.int(s.records.length);
    const r = Buffer.from(s.records[i] as Buffer);
    const caplen = s.le ? r.readUInt32LE(8) : r.readUInt32BE(8);
    const field = rng.pick(['caplen0', 'caplenHuge', 'caplenOverSnap', 'caplenBig', 'origlen', 'usec', 'caplenPlus'] as const);
    if (field === 'caplen0') write32(r, 8, 0, s.le);
    else if (field === 'caplenHuge') write32(r, 8, rng.pick([0x40001, 0x7fffffff, 0xffffffff]), s.le);
    else if (field === 'caplenOverSnap') write32(r, 8, 65536 + rng.int(1000), s.le);
    else if (field === 'caplenBig') write32(r, 8, caplen + 1 + rng.int(64), s.le);
    else if (field === 'caplenPlus') write32(r, 12, caplen - 1, s.le);
    else if (field === 'origlen') write32(r, 12, rng.pick([0, 1, 0xffffffff, caplen + 1]), s.le);
    else write32(r, 4, rng.pick([1_000_000, 999_999_999, 1_000_000_000, 0xffffffff]), s.le);
    s.records[i] = r;
    return `pcap-record${i}-${field}`;
  },
  pcapngLength(s, rng) {
    if (s.format !== 'pcapng' || s.records.length === 0) return null;
    const i = rng.int(s.records.length);
    const r = Buffer.from(s.records[i] as Buffer);
    const where = rng.pick(['lead', 'trail', 'both'] as const);
    const v = rng.pick([0, 4, 8, 11, 12, 13, r.length + 4, r.length - 4, r.length + 1, 0x7fffffff, 0xfffffffc, 17 << 20]);
    if (where !== 'trail') write32(r, 4, v, s.le);
    if (where !== 'lead') write32(r, r.length - 4, v, s.le);
    s.records[i] = r;
    return `pcapng-block${i}-length-${where}=${v}`;
  },
  pcapngShb(s, rng) {
    if (s.format !== 'pcapng' || s.header.length < 24) return null;
    const h = Buffer.from(s.header);
    const field = rng.pick(['bom', 'major', 'minor', 'sectionLength'] as const);
    if (field === 'bom') write32(h, 8, rng.pick([0x1a2b3c4d, 0x4d3c2b1a, 0, 0x1a2b3c4e]), s.le);
    else if (field === 'major') write16(h, 12, rng.pick([0, 2, 3, 0xffff]), s.le);
    else if (field === 'minor') write16(h, 14, rng.pick([1, 2, 0xffff]), s.le);
    else {
      write32(h, 16, rng.u32(), s.le);
      write32(h, 20, rng.u32(), s.le);
    }
    s.header = h;
    return `pcapng-shb-${field}`;
  },
  pcapngInner(s, rng) {
    if (s.format !== 'pcapng') return null;
    const u32 = (b: Buffer, o: number): number => (s.le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const idbs = s.records.map((r, i) => [r, i] as const).filter(([r]) => u32(r, 0) === 1);
    const epbs = s.records.map((r, i) => [r, i] as const).filter(([r]) => u32(r, 0) === 6 || u32(r, 0) === 3);
    if (rng.chance(0.5) && idbs.length > 0) {
      const [orig, i] = rng.pick(idbs);
      const r = Buffer.from(orig);
      const field = rng.pick(['linktype', 'snaplen', 'tsresol', 'options'] as const);
      if (field === 'linktype') write16(r, 8, rng.pick([0, 1, 101, 0xffff, rng.int(300)]), s.le);
      else if (field === 'snaplen') write32(r, 12, rng.pick([0, 1, 0xffffffff, 262145]), s.le);
      else if (field === 'tsresol') {
        // Replace the options with an if_tsresol (code 9, length 1) of a chosen value.
        const value = rng.pick([0, 3, 6, 9, 19, 63, 64, 0x80, 0x8a, 0x9e, 0xbf, 0xff]);
        const opt = Buffer.alloc(12);
        write16(opt, 0, 9, s.le);
        write16(opt, 2, 1, s.le);
        opt[4] = value;
        const body = Buffer.concat([r.subarray(0, 16), opt, Buffer.alloc(4), Buffer.alloc(4)]);
        write32(body, 4, body.length, s.le);
        write32(body, body.length - 4, body.length, s.le);
        s.records[i] = body;
        return `pcapng-idb${i}-if_tsresol=${value.toString(16)}`;
      } else if (r.length > 24) {
        const at = 16 + rng.int(r.length - 20);
        write16(r, at, rng.pick([0, 1, 2, 9, 14, 0xffff]), s.le);
        write16(r, at + 2, rng.pick([0, 1, 3, 8, 0xfff0, 0xffff]), s.le);
      }
      s.records[i] = r;
      return `pcapng-idb${i}-${field}`;
    }
    if (epbs.length === 0) return null;
    const [orig, i] = rng.pick(epbs);
    const r = Buffer.from(orig);
    const isEpb = u32(r, 0) === 6;
    const field = rng.pick(['iface', 'caplen', 'origlen', 'ts'] as const);
    if (field === 'iface') write32(r, 8, rng.pick([1, 2, 255, 0xffffffff]), s.le);
    else if (field === 'caplen') write32(r, isEpb ? 20 : 12, rng.pick([0, r.length, r.length - 31, r.length + 100, 0x40001, 0xffffffff]), s.le);
    else if (field === 'origlen') write32(r, isEpb ? 24 : 16, rng.pick([0, 0xffffffff]), s.le);
    else {
      write32(r, 12, rng.u32(), s.le);
      write32(r, 16, rng.u32(), s.le);
    }
    s.records[i] = r;
    return `pcapng-epb${i}-${field}`;
  },
  snoopRecord(s, rng) {
    if (s.format !== 'snoop' || s.records.length === 0) return null;
    const i = rng.int(s.records.length);
    const r = Buffer.from(s.records[i] as Buffer);
    const field = rng.pick(['caplen', 'reclen', 'usec', 'version'] as const);
    if (field === 'version') {
      const h = Buffer.from(s.header);
      write32(h, 8, rng.pick([1, 3, 0xffffffff]), false);
      s.header = h;
      return 'snoop-version';
    }
    if (field === 'caplen') write32(r, 4, rng.pick([0, r.length, 0x40001, 0xffffffff]), false);
    else if (field === 'reclen') write32(r, 8, rng.pick([0, 23, 24, r.length + 4, 0xffffffff]), false);
    else write32(r, 20, rng.pick([1_000_000, 0xffffffff]), false);
    s.records[i] = r;
    return `snoop-record${i}-${field}`;
  },
  duplicate(s, rng) {
    if (s.records.length === 0) return null;
    const i = rng.int(s.records.length);
    const n = 1 + rng.int(3);
    s.records.splice(i, 0, ...Array.from({ length: n }, () => s.records[i] as Buffer));
    return `duplicate${i}×${n}`;
  },
  shuffle(s, rng) {
    if (s.records.length < 2) return null;
    for (let i = s.records.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [s.records[i], s.records[j]] = [s.records[j] as Buffer, s.records[i] as Buffer];
    }
    return 'shuffle';
  },
  splice(s, rng, seeds) {
    const other = rng.pick(seeds);
    const o = split(other);
    if (o.records.length === 0) return null;
    const from = rng.int(o.records.length);
    const taken = o.records.slice(from, from + 1 + rng.int(8));
    s.records.splice(rng.int(s.records.length + 1), 0, ...taken);
    return `splice(${other.name}#${from}+${taken.length})`;
  },
  drop(s, rng) {
    if (s.records.length === 0) return null;
    const i = rng.int(s.records.length);
    s.records.splice(i, 1 + rng.int(3));
    return `drop${i}`;
  },
};

/** Makes mutant `index` of campaign `seedValue`: the same bytes every time. */
export function makeMutant(seeds: readonly Seed[], seedValue: number, index: number): Mutant {
  const rng = new Rng(seedValue, index);
  const seed = seeds[rng.int(seeds.length)] as Seed;
  const mutations: string[] = [];
  const s = split(seed);
  let cut: number | null = null;
  let whole: Buffer | null = null;
  let bytes: Buffer;

  // 3 % big: records repeated past 1 MiB (2–4 MiB), then mutated as any other.
  if (rng.chance(0.03) && s.records.length > 0) {
    const target = (2 + rng.int(3)) << 20;
    const base = s.records.slice();
    let size = s.header.length + base.reduce((n, r) => n + r.length, 0);
    if (size > 0) {
      while (size < target) {
        s.records.push(...base);
        size += base.reduce((n, r) => n + r.length, 0);
        if (base.length === 0) break;
      }
    }
    mutations.push(`big(${(size / 1048576).toFixed(1)}MiB)`);
  }

  const kind = rng.int(100);
  if (kind < 12) {
    // A plain cut: frames before it must all be kept (check.ts).
    whole = join(s);
    cut = rng.int(whole.length + 1);
    bytes = whole.subarray(0, cut);
    mutations.push(`cut@${cut}`);
  } else if (kind < 17) {
    const keep = rng.pick([4, 8, seed.format === 'pcap' ? 24 : seed.format === 'snoop' ? 16 : s.header.length]);
    const whole = join(s);
    bytes = Buffer.concat([whole.subarray(0, Math.min(keep, whole.length)), rng.bytes(rng.int(rng.chance(0.1) ? 3 << 20 : 4096))]);
    mutations.push(`garbage-after-${keep}`);
  } else {
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) {
      const names = Object.keys(structural);
      const structuralFirst = rng.chance(0.6);
      if (structuralFirst) {
        // Try a few until one applies to this format.
        for (let t = 0; t < 4; t++) {
          const m = (structural[rng.pick(names)] as Mutation)(s, rng, seeds);
          if (m !== null) {
            mutations.push(m);
            break;
          }
        }
      } else {
        const b = join(s);
        if (b.length > 0) {
          mutations.push((bytesMutations[rng.pick(Object.keys(bytesMutations))] as (b: Buffer, r: Rng) => string)(b, rng));
          const again = split({ ...seed, bytes: b });
          Object.assign(s, again);
        }
      }
    }
    bytes = join(s);
  }

  let gzip = false;
  if (rng.chance(0.15)) {
    gzip = true;
    const z = Buffer.from(gzipSync(bytes, { level: 1 }));
    const damage = rng.int(8);
    if (damage === 0 && z.length > 20) {
      for (let i = 0; i < 1 + rng.int(4); i++) {
        const at = 10 + rng.int(z.length - 10);
        z[at] = (z[at] as number) ^ (1 << rng.int(8));
      }
      bytes = z;
      mutations.push('gzip-flipped');
    } else if (damage === 1) {
      bytes = z.subarray(0, rng.int(z.length));
      mutations.push('gzip-cut');
    } else if (damage === 2) {
      bytes = z.subarray(0, Math.max(0, z.length - 1 - rng.int(8)));
      mutations.push('gzip-trailer-cut');
    } else if (damage === 3) {
      bytes = Buffer.concat([z, gzipSync(rng.bytes(rng.int(512)))]);
      mutations.push('gzip-second-member');
    } else if (damage === 4) {
      bytes = gzipSync(z, { level: 1 });
      mutations.push('gzip-in-gzip');
    } else if (damage === 5) {
      bytes = Buffer.concat([z, rng.bytes(1 + rng.int(64))]);
      mutations.push('gzip-trailing-garbage');
    } else {
      bytes = z;
      mutations.push('gzip');
    }
    // A cut under a plain gzip wrap is still a cut of the capture data; any other damage is not.
    if (cut !== null && mutations[mutations.length - 1] !== 'gzip') cut = null;
  }
  return { seed: seed.name, index, mutations, bytes, cut, whole: cut === null ? null : whole, gzip };
}
