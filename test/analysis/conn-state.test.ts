/**
 * All 13 Zeek conn_state codes, each from the packets that make it, with the history Zeek
 * prints for them (zeek/zeek scripts/base/protocols/conn/main.zeek; ANCHORS §1.3-1.4).
 */
import { expect, test } from 'vitest';
import { connState } from '../../src/analysis/conn-summary.js';
import type { Connection } from '../../src/tcp/connection.js';
import { ladder } from '../ladder.js';

const cases: [string, string, string, string][] = [
  ['S0', 'attempt, no reply', 'C>S SYN', 'S'],
  ['S1', 'established, not closed', 'C>S SYN\nC<S SYN,ACK\nC>S ACK', 'ShA'],
  ['SF', 'both sides sent FIN (the final ACK is not required)', 'C>S SYN\nC<S SYN,ACK\nC>S ACK\nC>S FIN,ACK\nC<S FIN,ACK', 'ShAFf'],
  ['REJ', 'SYN answered by RST', 'C>S SYN\nC<S RST,ACK', 'Sr'],
  ['S2', 'established, originator closed, no reply', 'C>S SYN\nC<S SYN,ACK\nC>S ACK\nC>S FIN,ACK', 'ShAF'],
  ['S3', 'established, responder closed, no reply', 'C>S SYN\nC<S SYN,ACK\nC>S ACK\nC<S FIN,ACK', 'ShAf'],
  ['RSTO', 'established, originator aborted', 'C>S SYN\nC<S SYN,ACK\nC>S ACK\nC>S RST,ACK', 'ShAR'],
  ['RSTR', 'established, responder aborted', 'C>S SYN\nC<S SYN,ACK\nC>S ACK\nC<S RST,ACK', 'ShAr'],
  ['RSTOS0', 'originator sent SYN then RST, no SYN-ACK', 'C>S SYN\nC>S RST seq=1', 'SR'],
  // The server's port is 80, a likely server port: Zeek flips at the first SYN-ACK (the '^').
  ['RSTRH', 'responder sent SYN-ACK then RST, no SYN seen', 'S>C SYN,ACK ack=1\nS>C RST seq=1', '^hr'],
  ['SH', 'originator sent SYN then FIN, no SYN-ACK', 'C>S SYN\nC>S FIN seq=1', 'SF'],
  ['SHR', 'responder sent SYN-ACK then FIN, no SYN seen', 'S>C SYN,ACK ack=1\nS>C FIN,ACK seq=1 ack=1', '^hf'],
  ['OTH', 'midstream traffic, no SYN', 'C>S PSH,ACK len=10\nC<S ACK', 'Da'],
];

test.each(cases)('%s: %s', (code, _meaning, text, history) => {
  const l = ladder(text);
  const conn = l.conn as Connection;
  expect(connState(conn)).toBe(code);
  expect(conn.zeek.history).toBe(history);
});
