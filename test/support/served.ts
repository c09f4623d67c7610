/** A folder to serve in the viewer tests: samples, a nested capture, a hostile one, and links out. */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectChunks, PcapngWriter } from '../../src/craft/capture-writer.js';
import { buildTcpFrame } from '../../src/craft/packet-builder.js';
import { TcpFlag } from '../../src/decode/fields.js';
import { SAMPLES } from './cli.js';

export const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

/** A pcapng whose section, interface and packet comments hold markup and script. */
export function hostileCapture(): Buffer {
  const out = collectChunks();
  const w = new PcapngWriter(out.sink);
  w.section({ comment: HOSTILE });
  w.interface({ linkType: 1, name: HOSTILE, description: '</script><b>bold</b>' });
  const syn = buildTcpFrame({ src: '192.0.2.1', dst: '192.0.2.2', sport: 1234, dport: 80, seq: 1, flags: TcpFlag.SYN });
  w.enhancedPacket(0, 1_700_000_000_000_000n, syn, { comment: HOSTILE });
  return out.result();
}

/** A served folder: samples, a nested capture, a hostile one, and links that point outside. */
export function servedFolder(): { root: string; outside: string } {
  const root = mkdtempSync(join(tmpdir(), 'tcplens-serve-'));
  const outside = mkdtempSync(join(tmpdir(), 'tcplens-outside-'));
  mkdirSync(join(root, 'nested'));
  copyFileSync(join(SAMPLES, 'fin-retransmitted.pcap'), join(root, 'fin-retransmitted.pcap'));
  copyFileSync(join(SAMPLES, 'syn-flood.pcapng'), join(root, 'nested', 'syn flood.pcapng'));
  writeFileSync(join(root, 'odd<img src=y>.pcapng'), hostileCapture());
  copyFileSync(join(SAMPLES, 'refused.pcap'), join(outside, 'secret.pcap'));
  symlinkSync(join(outside, 'secret.pcap'), join(root, 'link-to-outside.pcap'));
  symlinkSync(outside, join(root, 'dir-link'));
  return { root, outside };
}

