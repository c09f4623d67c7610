/**
 * Each anomaly rule with cases that must not fire (valid) and cases that must (invalid), one
 * invalid case per condition of its "all of the following" list (typescript-eslint's
 * RuleTester). Ladders are read as in test/ladder.ts.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RULES } from '../../src/analysis/rules/index.js';
import { established, finWait1, lastAck, ladder, timeWait, type Ladder } from '../ladder.js';

interface Case {
  name: string;
  run: () => Ladder;
  /** Seconds of capture after the last packet (for rules that look at the end). */
  tail?: number;
}

function ids(c: Case): string[] {
  const l = c.run();
  const last = (l.conn?.lastTime ?? 0) + (c.tail ?? 0);
  return l.findings(last).map((f) => `${f.id}${f.side ? `@${f.side}` : ''}`);
}

function ruleTester(id: string, cases: { valid: Case[]; invalid: (Case & { expect: string[] })[] }): void {
  describe(id, () => {
    test('is registered', () => {
      expect(RULES.map((r) => r.id)).toContain(id);
    });
    test.each(cases.valid.map((c) => [c.name, c] as const))('valid: %s', (_n, c) => {
      expect(ids(c).filter((x) => x.startsWith(`${id}`))).toEqual([]);
    });
    test.each(cases.invalid.map((c) => [c.name, c] as const))('invalid: %s', (_n, c) => {
      expect(ids(c).filter((x) => x.startsWith(`${id}`))).toEqual(c.expect);
    });
  });
}

const L = (text: string) => () => ladder(text);

ruleTester('rst-abort', {
  valid: [
    { name: 'RST after the sender\'s own FIN', run: () => finWait1().play('C>S RST seq=2') },
    { name: 'RST outside the window', run: () => established().play('C>S RST seq=5000') },
    { name: 'refused SYN', run: L('C>S SYN\nC<S RST,ACK') },
  ],
  invalid: [
    { name: 'client aborts an established connection', run: () => established().play('C>S RST,ACK'), expect: ['rst-abort@client'] },
    { name: 'server aborts in CLOSE-WAIT', run: () => finWait1().play('C<S RST,ACK'), expect: ['rst-abort@server'] },
  ],
});

ruleTester('rst-after-fin', {
  valid: [{ name: 'RST in an established connection', run: () => established().play('C>S RST,ACK') }],
  invalid: [{ name: 'RST after the sender\'s FIN', run: () => finWait1().play('C>S RST seq=2'), expect: ['rst-after-fin@client'] }],
});

ruleTester('rst-out-of-window', {
  valid: [
    { name: 'RST at RCV.NXT', run: () => established().play('C>S RST,ACK') },
    { name: 'RST to a closed endpoint', run: () => established().play('C>S RST,ACK\nC>S RST seq=9000') },
  ],
  invalid: [
    { name: 'sequence number beyond the window', run: () => established().play('C>S RST seq=5000'), expect: ['rst-out-of-window@client'] },
    { name: 'in SYN-SENT, not acknowledging the SYN', run: L('C>S SYN\nC<S RST,ACK ack=7'), expect: ['rst-out-of-window@server'] },
  ],
});

ruleTester('missing-final-ack', {
  valid: [
    { name: 'a full close', run: timeWait },
    { name: 'no FIN at all', run: established },
  ],
  invalid: [
    { name: 'the passive closer\'s FIN is never acknowledged (LAST-ACK)', run: lastAck, expect: ['missing-final-ack@server'] },
    { name: 'the active closer\'s FIN is never acknowledged (FIN-WAIT-1)', run: () => finWait1().play('C<S ACK ack=1'), expect: ['missing-final-ack@client'] },
    { name: 'a RST ends the wait in LAST-ACK', run: () => lastAck().play('C>S RST seq=2'), expect: ['missing-final-ack@server'] },
  ],
});

ruleTester('fin-retransmitted', {
  valid: [{ name: 'one FIN each way', run: timeWait }],
  invalid: [{ name: 'the same FIN sent again', run: () => finWait1().play('C>S FIN,ACK seq=1 dt=0.2'), expect: ['fin-retransmitted@client'] }],
});

ruleTester('syn-retransmitted', {
  valid: [{ name: 'one SYN', run: established }],
  invalid: [{ name: 'the SYN sent again with its sequence number', run: L('C>S SYN\nC>S SYN seq=0 dt=1'), expect: ['syn-retransmitted@client'] }],
});

ruleTester('invalid-flags', {
  valid: [{ name: 'a normal connection', run: timeWait }],
  invalid: [
    { name: 'SYN and FIN', run: L('C>S SYN,FIN'), expect: ['invalid-flags@client'] },
    { name: 'SYN and RST', run: L('C>S SYN,RST'), expect: ['invalid-flags@client'] },
    { name: 'no flags', run: () => established().play('C>S none'), expect: ['invalid-flags@client'] },
    { name: 'xmas', run: () => established().play('C>S FIN,PSH,URG'), expect: ['invalid-flags@client'] },
    { name: 'data without ACK', run: () => established().play('C>S PSH len=10'), expect: ['invalid-flags@client'] },
  ],
});

ruleTester('midstream', {
  valid: [{ name: 'starts with a SYN', run: established }, { name: 'starts with a SYN,ACK', run: L('C<S SYN,ACK ack=1') }],
  invalid: [{ name: 'starts with data', run: L('C>S PSH,ACK len=10'), expect: ['midstream'] }],
});

ruleTester('data-after-fin', {
  valid: [
    { name: 'data before the FIN', run: () => established().play('C>S PSH,ACK len=10\nC>S FIN,ACK') },
    { name: 'data retransmitted below the FIN', run: () => established().play('C>S PSH,ACK len=10\nC>S FIN,ACK\nC>S PSH,ACK seq=1 len=10') },
  ],
  invalid: [{ name: 'new data after the FIN', run: () => finWait1().play('C>S PSH,ACK seq=2 len=10'), expect: ['data-after-fin@client'] }],
});

ruleTester('long-close-wait', {
  valid: [
    { name: 'closed quickly', run: timeWait, tail: 100 },
    { name: 'CLOSE-WAIT shorter than the threshold at capture end', run: finWait1, tail: 10 },
  ],
  invalid: [
    { name: 'CLOSE-WAIT until the capture ends, past the threshold', run: finWait1, tail: 45, expect: ['long-close-wait@server'] },
    { name: 'CLOSE-WAIT left late', run: () => finWait1().play('C<S FIN,ACK dt=40'), expect: ['long-close-wait@server'] },
  ],
});

test('every registered rule has a tester above or its own file in test/analysis/rules/', () => {
  // inconsistent-retransmission compares payload bytes, which ladders do not carry: its tester is
  // test/analysis/inconsistent-retransmission.test.ts, on captures written by the capture writer.
  const tested = ['inconsistent-retransmission', 'rst-abort', 'rst-after-fin', 'rst-out-of-window', 'missing-final-ack', 'fin-retransmitted', 'syn-retransmitted', 'invalid-flags', 'midstream', 'data-after-fin', 'long-close-wait'];
  const own = readdirSync(new URL('./rules/', import.meta.url)).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace(/\.test\.ts$/, ''));
  expect(RULES.map((r) => r.id).filter((id) => !tested.includes(id) && !own.includes(id))).toEqual([]);
});
