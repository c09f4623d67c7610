/**
 * Crafts the samples that the Linux stack will not play on demand (see README.md), with
 * tcplens' own capture writer. Deterministic: the same bytes every run.
 * Run: npm run samples   (writes samples/*.pcap and samples/*.pcapng)
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinkType } from '../src/decode/fields.js';
import { collectChunks, PcapngWriter, PcapWriter } from '../src/craft/capture-writer.js';
import { Conversation, type CraftedPacket } from './conversation.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Samples live in the source tree, not in dist/. */
const SAMPLES = here.includes(`${'dist'}`) ? join(here, '..', '..', 'samples') : here;
const T0 = 1_700_000_000;

function writePcap(name: string, packets: CraftedPacket[]): void {
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: LinkType.ETHERNET });
  for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
  writeFileSync(join(SAMPLES, name), out.result());
}

function story(build: (c: Conversation) => void, isn = { client: 0xffffd8ef, server: 0xfffffff0 }): CraftedPacket[] {
  const packets: CraftedPacket[] = [];
  const conv = new Conversation(
    packets,
    { t: T0 },
    { ip: '192.0.2.10', port: 50123, isn: isn.client },
    { ip: '198.51.100.20', port: 80, isn: isn.server },
  );
  build(conv);
  return packets;
}

// Both sides close at once: each FIN crosses the other on the wire, so each side goes
// FIN-WAIT-1 → CLOSING → TIME-WAIT (RFC 9293 §3.6, Figure 13).
writePcap(
  'simultaneous-close.pcap',
  story((c) => {
    c.handshake();
    c.send('C', 'PSH,ACK', { len: 100 });
    c.send('S', 'PSH,ACK', { len: 300, dt: 0.01 });
    c.send('C', 'ACK', { dt: 0.01 });
    c.send('C', 'FIN,ACK', { dt: 0.5 });
    c.send('S', 'FIN,ACK', { dt: 0.0001, relAck: 101 }); // sent before the client's FIN arrived
    c.send('C', 'ACK', { dt: 0.01 });
    c.send('S', 'ACK', { dt: 0.0001 });
  }),
);

// The client's FIN is not acknowledged in time and is sent again with the same sequence
// number 200 ms later; then the close completes.
writePcap(
  'fin-retransmitted.pcap',
  story((c) => {
    c.handshake();
    c.send('C', 'PSH,ACK', { len: 120 });
    c.send('S', 'PSH,ACK', { len: 600, dt: 0.02 });
    c.send('C', 'ACK', { dt: 0.01 });
    c.send('C', 'FIN,ACK', { dt: 0.3 });
    c.send('C', 'FIN,ACK', { dt: 0.2, relSeq: 121 });
    c.send('S', 'ACK', { dt: 0.01 });
    c.send('S', 'FIN,ACK', { dt: 0.05 });
    c.send('C', 'ACK', { dt: 0.01 });
  }),
);

// The passive closer's FIN is never acknowledged: the capture ends with the server in
// LAST-ACK and the client (had it sent its ACK) in TIME-WAIT.
writePcap(
  'missing-final-ack.pcap',
  story((c) => {
    c.handshake();
    c.send('C', 'PSH,ACK', { len: 80 });
    c.send('S', 'PSH,ACK', { len: 1200, dt: 0.02 });
    c.send('C', 'ACK', { dt: 0.01 });
    c.send('C', 'FIN,ACK', { dt: 0.2 });
    c.send('S', 'ACK', { dt: 0.01 });
    c.send('S', 'FIN,ACK', { dt: 0.05 });
  }),
);

// A SYN flood on 203.0.113.80:80: 300 SYNs from 300 spoofed sources within 1.5 s, each
// answered by a SYN-ACK that is never acknowledged, while 3 real clients complete their
// handshakes. Written as pcapng with a section comment.
{
  const packets: CraftedPacket[] = [];
  const clock = { t: T0 };
  let rng = 0x2545f491;
  const next = (): number => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return rng >>> 0;
  };
  const server = { ip: '203.0.113.80', port: 80 };
  const real = [0, 100, 200];
  for (let i = 0; i < 300; i++) {
    if (real.includes(i)) {
      const c = new Conversation(packets, clock, { ip: `192.0.2.${50 + i / 100}`, port: 40000 + i, isn: next() }, { ...server, isn: next() });
      c.handshake(0.002);
      c.send('C', 'PSH,ACK', { len: 64 });
    }
    const src = `10.${(next() >>> 8) & 0xff}.${(next() >>> 8) & 0xff}.${1 + (next() % 254)}`;
    const c = new Conversation(packets, clock, { ip: src, port: 1024 + (next() % 60000), isn: next() }, { ...server, isn: next() });
    c.send('C', 'SYN', { dt: 0.005, options: { mss: 1460 } });
    c.send('S', 'SYN,ACK', { dt: 0.0001, options: { mss: 1460 } });
  }
  const out = collectChunks();
  const w = new PcapngWriter(out.sink);
  w.section({ comment: 'tcplens sample: SYN flood on 203.0.113.80:80 (crafted)' });
  w.interface({ linkType: LinkType.ETHERNET, name: 'tap0', tsresol: 6 });
  for (const p of packets) w.enhancedPacket(0, BigInt(p.tsSec) * 1_000_000n + BigInt(p.tsNsec / 1000), p.data);
  writeFileSync(join(SAMPLES, 'syn-flood.pcapng'), out.result());
}

console.log(`samples written to ${SAMPLES}`);
