/**
 * Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, as ../shared's tool
 * notes describe. Suites that need it skip with a message where it is not installed (.ci/run
 * installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './cli.js';

export const CHROMIUM = process.env['TCPLENS_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_MESSAGE = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set TCPLENS_CHROMIUM); browser tests skipped`;
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
