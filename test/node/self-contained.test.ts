/**
 * The repository stands on its own: a clone into an empty folder passes `npm test`, so nothing in
 * code, tests, builds or scripts may reach outside the checkout (the recorded sessions are
 * committed under test/fixtures with their attribution READMEs).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['src', 'worklets', 'test', 'scripts', 'bench', 'demo', 'examples', '.ci'];
const FILES = ['package.json', 'rollup.config.mjs', 'vitest.config.ts', 'eslint.config.js'];
const SKIP = new Set(['node_modules', 'fixtures', 'dist']);
// Spelled in two parts so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared\\b'].join(''));

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

describe('the repository is self-contained', () => {
  const files = [...ROOTS.flatMap(walk), ...FILES.filter((f) => existsSync(f))];

  it('scans the tree', () => expect(files.length).toBeGreaterThan(100));

  it('no file reads or cites a folder beside the checkout', () => {
    const offenders = files.filter((f) => OUTSIDE.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the recorded sessions and their attribution are committed', () => {
    for (const dir of ['gemini-live-recordings', 'adk-run-live', 'adk-run-live-2']) {
      const path = join('test/fixtures', dir);
      expect(readFileSync(join(path, 'README.md'), 'utf8')).toMatch(/licen[cs]e|our own data/i);
      expect(readdirSync(path).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(10);
    }
  });
});
