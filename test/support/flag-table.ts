/**
 * typescript-eslint's valid/invalid tables for one Wireshark flag, over the crafted captures of
 * test/fixtures/wireshark (see craft.mjs for each scenario's ladder): `flagged` names every frame
 * of a scenario that carries the flag (so a missing or an extra one fails), `clean` names frames
 * that look alike but must not. Each table is checked against tcplens and against tshark's
 * stored answer, so the frames written here are Wireshark's, not ours.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { WiresharkFlag } from '../../src/analysis/flags/flag-bits.js';
import { ORACLE_DIR, readOracle, tcplensView } from './wireshark-oracle.js';

export interface FlagTable {
  /** scenario → every frame that carries the flag, with why. */
  flagged: Record<string, Record<number, string>>;
  /** scenario → frames that must not carry it, with why. */
  clean: Record<string, Record<number, string>>;
}

export function flagTable(flag: WiresharkFlag, table: FlagTable): void {
  const field = `tcp.analysis.${flag}`;
  const pcap = (s: string): string => join(ORACLE_DIR, 'crafted', `${s}.pcap`);
  const tsv = (s: string): string => join(ORACLE_DIR, 'crafted', `${s}.tsv`);
  describe(`tcp.analysis.${flag}`, () => {
    const held = { flagged: 0, clean: 0 };
    for (const [scenario, frames] of Object.entries(table.flagged)) {
      test(`${scenario}: frames ${Object.keys(frames).join(', ')}`, async () => {
        const want = Object.keys(frames).map(Number);
        const ours = await tcplensView(pcap(scenario));
        const theirs = readOracle(tsv(scenario));
        expect([...ours].filter(([, row]) => row[field] === '1').map(([f]) => f)).toEqual(want);
        expect([...theirs].filter(([, row]) => row[field] === '1').map(([f]) => f), 'tshark agrees').toEqual(want);
        if (want.length > 0) held.flagged++;
      });
    }
    for (const [scenario, frames] of Object.entries(table.clean)) {
      test(`${scenario}: not on frames ${Object.keys(frames).join(', ')}`, async () => {
        const ours = await tcplensView(pcap(scenario));
        const theirs = readOracle(tsv(scenario));
        for (const [frame, why] of Object.entries(frames)) {
          expect(ours.get(Number(frame))?.[field], `frame ${frame}: ${why}`).toBe('');
          expect(theirs.get(Number(frame))?.[field], `tshark, frame ${frame}`).toBe('');
        }
        held.clean++;
      });
    }
    test('ran flagged and clean scenarios whose assertions held', () => {
      expect(held.flagged, 'scenarios with flagged frames that held').toBeGreaterThan(0);
      expect(held.clean, 'clean scenarios that held').toBeGreaterThan(0);
    });
  });
}
