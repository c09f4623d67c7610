/**
 * Writes the pathological capture of issue 12: `count` tiny packets (no payload) of one
 * four-tuple, each with random flags (the eight classic bits), random sequence and
 * acknowledgment numbers and a random direction, `spacingUs` apart, from a seeded generator
 * (the same file for the same arguments). Every pure SYN with a new ISN starts a new
 * tcp.stream (Wireshark) and so a new tcplens connection: about a fifth of the packets. Only
 * one connection is ever alive at once, so memory must not grow with their number.
 */
import { PcapWriter } from '../src/craft/capture-writer.js';
import { buildTcpFrame } from '../src/craft/packet-builder.js';
import { LinkType } from '../src/decode/fields.js';
import { fileSink } from './file-sink.js';

export function generateRandomFlags(path: string, count: number, seed = 1, spacingUs = 10): { packets: number } {
  const out = fileSink(path);
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  // xorshift32: deterministic, and enough for flags and numbers.
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
  const t0 = 1_700_000_000 * 1e6;
  for (let i = 0; i < count; i++) {
    const t = t0 + i * spacingUs;
    const forward = (next() & 1) === 0;
    const frame = buildTcpFrame({
      src: forward ? '192.0.2.1' : '192.0.2.2',
      dst: forward ? '192.0.2.2' : '192.0.2.1',
      sport: forward ? 40000 : 443,
      dport: forward ? 443 : 40000,
      seq: next(),
      ack: next(),
      flags: next() & 0xff,
      win: next() & 0xffff,
    });
    w.packet(Math.floor(t / 1e6), (t % 1e6) * 1000, frame);
  }
  out.close();
  return { packets: count };
}

// node dist/bench/generate-flags.js OUT [COUNT] [SEED]
if (process.argv[1]?.endsWith('generate-flags.js')) {
  const [out, count, seed] = process.argv.slice(2);
  if (out === undefined) throw new Error('usage: generate-flags.js OUT [COUNT] [SEED]');
  generateRandomFlags(out, Number(count ?? 100_000), Number(seed ?? 1));
}
