/**
 * The last lines of `npm test`: which suites were skipped because something they need is not on
 * this machine, and how to enable each (issue 14: a clone not beside ../shared must say so where
 * a person reads, not only in skipped test names). Silent when nothing was skipped for that reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from './browser.js';
import { CORPUS_DIR } from './corpus.js';

const found = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

export function skippedSuites(): string[] {
  const out: string[] = [];
  if (!existsSync(CORPUS_DIR)) out.push(`corpus suites (oracles of Zeek, Wireshark, tcptrace): no corpus at ${CORPUS_DIR}; clone beside ../shared, or set TCPLENS_CORPUS=/path/to/corpus`);
  if (!existsSync(CHROMIUM)) out.push(`browser suites (HTML report, viewer, graphs): no Chromium at ${CHROMIUM}; apt-get install chromium, or set TCPLENS_CHROMIUM=/path/to/chromium`);
  if (!['/usr/bin/redis-server', '/usr/local/bin/redis-server'].some((p) => existsSync(p))) out.push('queue suites (audit --queue, tcplens worker): no redis-server; apt-get install redis-server');
  if (!found('tshark', '-v')) out.push('tshark cross-checks (slice, --time): no tshark; apt-get install tshark');
  return out;
}

export default class SkippedSuitesReporter {
  onFinished(): void {
    const skipped = skippedSuites();
    if (skipped.length === 0) return;
    process.stdout.write(`\nskipped, because this machine lacks what they need:\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
  }
}
