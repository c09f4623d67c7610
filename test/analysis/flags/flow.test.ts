/**
 * A Wireshark conversation kept past its connection (src/analysis/flags/flow.ts packInto and
 * unpackFrom, sequence-analysis.ts carried and carryOn): what the tracker's tombstone holds is
 * the whole state of both flows. End to end, the crafted captures late-packets and
 * resumed-after-idle (test/fixtures/wireshark) show tshark's flags carrying on.
 */
import { expect, test } from 'vitest';
import { WiresharkFlow } from '../../../src/analysis/flags/flow.js';
import { SequenceAnalysis } from '../../../src/analysis/flags/sequence-analysis.js';

/** A flow whose every field differs from a new flow's: booleans flipped, numbers distinct (past 2^32, fractions). */
function changedFlow(unacked: number): WiresharkFlow {
  const flow = new WiresharkFlow();
  const fields = flow as unknown as Record<string, unknown>;
  let n = 1;
  for (const key of Object.keys(flow)) {
    if (key === 'unacked' || key === 'unackedCount') continue;
    const value = fields[key];
    if (typeof value === 'boolean') fields[key] = !value;
    else if (typeof value === 'number') fields[key] = 2 ** 32 + n++ + 0.25;
    else throw new Error(`field ${key} is neither a number nor a boolean: pack it (flow.ts packInto)`);
  }
  for (let i = 0; i < unacked; i++) flow.addUnacked(0xfffffff0 + i, 0xfffffff0 + i + 100, 10 + i, 1_700_000_000 + i, 999_999_999 - i);
  return flow;
}

test('a flow packed and unpacked has every field it had, at any offset, with or without unacknowledged segments', () => {
  for (const unacked of [0, 3]) {
    const flow = changedFlow(unacked);
    const out = [7, 7, 7];
    const end = flow.packInto(out, 3);
    expect(end).toBe(3 + flow.packedLength());
    expect(out.length).toBe(end);
    const back = new WiresharkFlow();
    expect(back.unpackFrom(out, 3)).toBe(end);
    expect(back).toEqual(flow);
    expect(back.unacked === null).toBe(unacked === 0);
  }
});

test('a carried conversation goes on in the right flows, whichever endpoint speaks first afterwards', () => {
  const before = new SequenceAnalysis();
  before.flow(true).nextSeq = 111;
  before.flow(true).addUnacked(1, 2, 3, 4, 5);
  before.flow(false).nextSeq = 222;
  before.flow(false).winScale = 7;
  const carried = before.carried();

  const same = new SequenceAnalysis();
  same.carryOn(carried, false);
  expect(same.flow(true)).toEqual(before.flow(true));
  expect(same.flow(false)).toEqual(before.flow(false));

  // The later connection's first packet came from the old endpoint b: its a and b are swapped.
  const swapped = new SequenceAnalysis();
  swapped.carryOn(carried, true);
  expect(swapped.flow(true)).toEqual(before.flow(false));
  expect(swapped.flow(false)).toEqual(before.flow(true));
});

test('the initial RTT and the last SYN carry on too', () => {
  const before = new SequenceAnalysis();
  const fields = before as unknown as { mruSynSec: number; mruSynNsec: number; firstRtt: [number, number]; firstRttNs: number };
  fields.mruSynSec = 1_700_000_000;
  fields.mruSynNsec = 5;
  fields.firstRtt[0] = 0;
  fields.firstRtt[1] = 12_345_678;
  fields.firstRttNs = 12_345_678;
  const after = new SequenceAnalysis();
  after.carryOn(before.carried(), true);
  expect(after.irttText).toBe('0.012345678');
  const carried = after as unknown as typeof fields;
  expect([carried.mruSynSec, carried.mruSynNsec, carried.firstRttNs]).toEqual([1_700_000_000, 5, 12_345_678]);
});
