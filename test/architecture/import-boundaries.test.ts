/**
 * STYLE 2.2: imports only go down the pipeline (cli, web → report → analysis → tcp → decode →
 * capture); pipeline.ts is the only file that knows every stage; cli/ may start the web/ viewer
 * (`tcplens serve`), and nothing imports cli/.
 * Checked here on the source text, as eslint's import/no-restricted-paths would.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../support/cli.js';

const SRC = join(ROOT, 'src');
/** Stage → the stages it may import. craft/ writes captures for samples, bench and tests. */
const MAY_IMPORT: Record<string, string[]> = {
  capture: ['capture'],
  decode: ['decode', 'capture'],
  tcp: ['tcp', 'decode', 'capture'],
  analysis: ['analysis', 'tcp', 'decode', 'capture'],
  report: ['report', 'analysis', 'tcp', 'decode', 'capture'],
  craft: ['craft', 'decode', 'capture'],
  cli: ['cli', 'web', 'report', 'analysis', 'tcp', 'decode', 'capture', 'pipeline.ts'],
  web: ['web', 'report', 'analysis', 'tcp', 'decode', 'capture', 'pipeline.ts'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every import goes down the pipeline', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const stage = relative(SRC, file).split('/')[0] ?? '';
    if (stage === 'pipeline.ts') continue;
    const allowed = MAY_IMPORT[stage];
    expect(allowed, `${stage}/ has no rule in MAY_IMPORT`).toBeDefined();
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), m[1] ?? ''));
      const targetStage = (target.split('/')[0] ?? '').replace(/\.js$/, '.ts');
      if (target.startsWith('..')) violations.push(`${relative(ROOT, file)} imports outside src: ${m[1]}`);
      else if (!allowed?.includes(targetStage)) violations.push(`${relative(ROOT, file)} (${stage}/) imports ${target}`);
    }
  }
  expect(violations).toEqual([]);
});

test('no protocol number outside decode/fields.ts is written as a bare hex literal in decode/', () => {
  const offenders: string[] = [];
  for (const file of files(join(SRC, 'decode'))) {
    if (file.endsWith('fields.ts')) continue;
    const text = readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    for (const m of text.matchAll(/0x(0800|86dd|8100|88a8|8847|8864)\b/gi)) offenders.push(`${relative(ROOT, file)}: ${m[0]}`);
  }
  expect(offenders).toEqual([]);
});
