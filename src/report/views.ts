/** Where the ejs templates and browser assets live (views/ at the package root). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** The views/ folder: found by walking up from this module (works from src/ and dist/src/). */
export function viewsDir(): string {
  if (cached !== null) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'views');
    if (existsSync(join(candidate, 'report.ejs'))) return (cached = candidate);
    dir = dirname(dir);
  }
  throw new Error('tcplens: views/ not found next to the installed package');
}

const assets = new Map<string, string>();

/** A browser asset's text (views/assets/NAME), read once. */
export function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(join(viewsDir(), 'assets', name), 'utf8');
    assets.set(name, text);
  }
  return text;
}
