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
  // V8's heap growth for an analysis (pipeline.ts asks for it): Node's own modules only.
  'heap-growth.ts': [],
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

/** Relative imports (static, re-exports, type-only alike) of every file under src/, as absolute paths. */
function importGraph(): Map<string, string[]> {
  const all = files(SRC);
  const known = new Set(all);
  const graph = new Map<string, string[]>();
  for (const file of all) {
    const targets = [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.[^']+)'/g)]
      .map((m) => resolve(dirname(file), m[1] ?? '').replace(/\.js$/, '.ts'))
      .filter((t) => known.has(t));
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

test('no import cycle anywhere in src/, inside a folder or across', () => {
  expect(importCycles(importGraph())).toEqual([]);
});

test('the cycle check finds a cycle inside a folder and one through a third file', () => {
  const g = new Map([
    ['/s/web/server.ts', ['/s/web/routes/capture.ts', '/s/web/paths.ts']],
    ['/s/web/routes/capture.ts', ['/s/web/server.ts']],
    ['/s/web/paths.ts', []],
    ['/s/tcp/a.ts', ['/s/tcp/b.ts']],
    ['/s/tcp/b.ts', ['/s/tcp/c.ts']],
    ['/s/tcp/c.ts', ['/s/tcp/a.ts']],
    ['/s/tcp/self.ts', ['/s/tcp/self.ts']],
  ]);
  expect(importCycles(g).map((c) => c.length).sort()).toEqual([1, 2, 3]);
});
