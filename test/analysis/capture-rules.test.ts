/**
 * Capture-wide findings: syn-flood (per destination ip:port, over the 63 s a SYN-RECEIVED entry
 * lives), port-scan (per source) and time-wait-reuse (a four-tuple reused within 2×MSL).
 * Captures are crafted with our own writer; the corpus's nmap scan is checked too.
 */
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { collectChunks, PcapWriter } from '../../src/craft/capture-writer.js';
import { Conversation, type CraftedPacket } from '../../samples/conversation.js';
import { analyze } from '../support/analyze.js';
import { HAVE_CORPUS, corpusPath } from '../support/corpus.js';

function capture(build: (out: CraftedPacket[], clock: { t: number }) => void): Readable {
  const packets: CraftedPacket[] = [];
  build(packets, { t: 1_700_000_000 });
  const out = collectChunks();
  const w = new PcapWriter(out.sink, { linkType: 1 });
  for (const p of packets) w.packet(p.tsSec, p.tsNsec, p.data);
  return Readable.from([out.result()]);
}

const server = { ip: '203.0.113.80', port: 80 };

describe('syn-flood', () => {
  test('150 never-completed SYNs from one source within seconds are a flood', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let i = 0; i < 150; i++) {
          const c = new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i * 7919 }, { ...server, isn: i * 104729 });
          c.send('C', 'SYN', { dt: 0.01 });
        }
      }),
    );
    expect(r.anomalies.map((a) => a.id)).toEqual(['syn-flood']);
    expect(r.anomalies[0]?.detail).toContain('150 half-open attempts');
    expect(r.anomalies[0]?.detail).toContain('from 1 distinct sources; 0 % answered by SYN,ACK, 0 % completed');
  });

  test('a busy server whose 500 handshakes complete is not a flood', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let i = 0; i < 500; i++) {
          const c = new Conversation(out, clock, { ip: `10.0.${i >> 8}.${i & 255}`, port: 30000 + i, isn: i * 7919 }, { ...server, isn: i * 104729 });
          c.handshake(0.002);
          c.send('C', 'PSH,ACK', { len: 100 });
        }
      }),
    );
    expect(r.anomalies).toEqual([]);
  });

  test('below the threshold (99 half-open at once) is not a flood', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let i = 0; i < 99; i++) new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 0.01 });
      }),
    );
    expect(r.anomalies).toEqual([]);
  });

  test('120 SYNs spread over 10 minutes never have 100 alive at once', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let i = 0; i < 120; i++) new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 5 });
      }),
    );
    expect(r.anomalies).toEqual([]);
  });

  test('a burst at the start of a long capture is still found after its seconds are folded away (memory bound)', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let i = 0; i < 150; i++) new Conversation(out, clock, { ip: '198.51.100.7', port: 2000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 0.01 });
        // Then one SYN a second for 5,000 s: more distinct seconds than a destination keeps (4,096).
        for (let i = 0; i < 5000; i++) new Conversation(out, clock, { ip: '198.51.100.8', port: 10000 + i, isn: i }, { ...server, isn: 0 }).send('C', 'SYN', { dt: 1 });
      }),
    );
    expect(r.anomalies.map((a) => a.id)).toEqual(['syn-flood']);
    // The window [0 s, 63 s) holds the 150 of the burst and the 61 lone SYNs of seconds 2 to 62.
    expect(r.anomalies[0]?.detail).toMatch(/^203\.0\.113\.80:80: 211 half-open attempts/);
    expect(r.anomalies[0]?.detail).toContain('5150 SYNs');
    expect(r.anomalies[0]?.detail).toMatch(/peak (99|100|101)\/s/);
  });
});

describe('port-scan', () => {
  test('one source, 60 ports, all refused', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let p = 1; p <= 60; p++) {
          const c = new Conversation(out, clock, { ip: '198.51.100.9', port: 50000, isn: p * 1000 }, { ip: '192.0.2.5', port: p, isn: 0 });
          c.send('C', 'SYN', { dt: 0.001 });
          c.send('S', 'RST,ACK', { dt: 0.0001 });
        }
      }),
    );
    expect(r.anomalies.map((a) => a.id)).toEqual(['port-scan']);
    expect(r.anomalies[0]?.detail).toMatch(/^198\.51\.100\.9 tried 60 distinct destination ports on 1 host\(s\); 100 % of 60 attempts were refused or unanswered/);
  });

  test('one client to 60 services that all answer is not a scan', async () => {
    const r = await analyze(
      capture((out, clock) => {
        for (let p = 1; p <= 60; p++) new Conversation(out, clock, { ip: '198.51.100.9', port: 50000 + p, isn: p * 1000 }, { ip: '192.0.2.5', port: p, isn: 0 }).handshake(0.001);
      }),
    );
    expect(r.anomalies.map((a) => a.id)).toEqual([]);
  });

  test.skipIf(!HAVE_CORPUS)('the corpus nmap SYN scan (chrissanders synscan.pcapng) is one port scan', async () => {
    const r = await analyze(corpusPath('chrissanders-packets/synscan.pcapng'));
    const scans = r.anomalies.filter((a) => a.id === 'port-scan');
    expect(scans).toHaveLength(1);
    expect(scans[0]?.detail).toMatch(/^172\.16\.0\.8 tried \d{3,4} distinct destination ports/);
  });
});

describe('time-wait-reuse', () => {
  const twice = (gap: number) =>
    capture((out, clock) => {
      for (const isn of [1000, 900000]) {
        const c = new Conversation(out, clock, { ip: '192.0.2.1', port: 40000, isn }, { ...server, isn: isn * 3 });
        c.handshake();
        c.send('C', 'FIN,ACK');
        c.send('S', 'FIN,ACK');
        c.send('C', 'ACK');
        clock.t += gap;
      }
    });

  test('a new SYN on the four-tuple 5 s after TIME-WAIT began (2×MSL = 60 s)', async () => {
    const r = await analyze(twice(5));
    expect(r.connections).toHaveLength(2);
    expect(r.connections[1]?.anomalies.map((a) => a.id)).toEqual(['time-wait-reuse']);
  });

  test('after 2×MSL it is ordinary reuse', async () => {
    const r = await analyze(twice(61));
    expect(r.connections.flatMap((c) => c.anomalies.map((a) => a.id))).toEqual([]);
  });
});
