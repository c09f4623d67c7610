/**
 * The crafted captures of test/fixtures/wireshark (craft.mjs: every Wireshark analysis flag and
 * every branch of its predicate, both directions, across 2^32), field by field against tshark
 * 4.0.17's answer stored beside each. The pcaps are what craft.mjs writes today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ORACLE_DIR, differences, readOracle, tcplensView } from '../support/wireshark-oracle.js';

const { SCENARIOS, capture } = (await import(join(ORACLE_DIR, 'craft.mjs'))) as {
  SCENARIOS: Record<string, [string, unknown[]]>;
  capture(segments: unknown[]): Buffer;
};
const dir = join(ORACLE_DIR, 'crafted');

describe('crafted captures equal tshark frame by frame', () => {
  test.each(Object.entries(SCENARIOS).map(([name, [what, segments]]) => [name, what, segments] as const))('%s: %s', async (name, _what, segments) => {
    const pcap = join(dir, `${name}.pcap`);
    expect(readFileSync(pcap).equals(capture(segments)), `${name}.pcap is what craft.mjs writes (run it with --write)`).toBe(true);
    const theirs = readOracle(join(dir, `${name}.tsv`));
    expect(theirs.size).toBe(segments.length);
    expect(differences(theirs, await tcplensView(pcap))).toEqual({});
  });
});
