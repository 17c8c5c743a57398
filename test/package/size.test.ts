/**
 * Size budget and browser hygiene of the built files (run after `npm run build`). The budget is
 * what a script-tag page downloads: the IIFE before the user presses talk (iife.test.ts checks
 * from the request log that nothing else is fetched before connect), then deps + worker + two
 * worklets on the first connect. Browser files must carry no @google/genai, no Node built-ins and
 * no eval-like code (strict CSP without 'unsafe-eval').
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const KB = 1024;
const BEFORE_CONNECT_BUDGET = 20 * KB;
const SCRIPT_TAG_BUDGET = 45 * KB;

const IIFE = 'live-agent.iife.js';
/** Fetched from beside the IIFE on the first connect. */
const LAZY = [
  'live-agent.deps.js',
  'live-agent.worker.js',
  'live-agent-capture.worklet.js',
  'live-agent-playback.worklet.js',
];
/** ESM entries a browser app imports (server and emulator are Node-only). */
const BROWSER_ENTRIES = ['index.js', 'element.js', 'dsp.js', 'testing.js'];

const read = (file: string) => readFileSync(join(DIST, file), 'utf8');
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** Relative specifiers a bundle imports statically or dynamically (`./chunk-abc.js`). */
function relativeImports(code: string): string[] {
  const found = new Set<string>();
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.\.?\/[^"']+)["']/g;
  for (const m of code.matchAll(re)) found.add(m[1]!.replace(/^\.\//, ''));
  return [...found];
}

/** A file and every dist chunk it reaches through relative imports. */
function closure(entries: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...relativeImports(read(file)));
  }
  return [...seen].sort();
}

const scriptTagFiles = [IIFE, ...LAZY];
const browserFiles = [...new Set([...scriptTagFiles, ...closure(BROWSER_ENTRIES)])].sort();

describe('size budget (gzip -9)', () => {
  const sizes = Object.fromEntries(scriptTagFiles.map((f) => [f, gz(f)]));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(
    [
      'live-agent script-tag sizes (gzip -9):',
      ...scriptTagFiles.map(
        (f) => `  ${f.padEnd(34)} ${(sizes[f]! / KB).toFixed(2).padStart(6)} KB`,
      ),
      `  ${'total'.padEnd(34)} ${(total / KB).toFixed(2).padStart(6)} KB` +
        ` (budget ${SCRIPT_TAG_BUDGET / KB} KB; before connect ${BEFORE_CONNECT_BUDGET / KB} KB)`,
    ].join('\n'),
  );

  test(`${IIFE} (all a page loads before connect) ≤ 20 KB`, () => {
    expect(sizes[IIFE]).toBeLessThanOrEqual(BEFORE_CONNECT_BUDGET);
  });

  test('IIFE + deps + worker + both worklets ≤ 45 KB', () => {
    expect(total).toBeLessThanOrEqual(SCRIPT_TAG_BUDGET);
  });

  test('README states these sizes (KB rounded; UPDATE_README=1 rewrites them)', () => {
    // The figures sit between markers: <!--size:NAME-->17<!--/size-->.
    const measured: Record<string, string> = {
      'before-connect': String(Math.round(sizes[IIFE]! / KB)),
      total: String(Math.round(total / KB)),
    };
    const marker = /<!--size:([\w-]+)-->([^<]*)<!--\/size-->/g;
    let readme = readFileSync(README, 'utf8');
    if (process.env.UPDATE_README) {
      readme = readme.replace(marker, (m, name: string) =>
        name in measured ? `<!--size:${name}-->${measured[name]}<!--/size-->` : m,
      );
      writeFileSync(README, readme);
    }
    const stated = Object.fromEntries([...readme.matchAll(marker)].map((m) => [m[1], m[2]]));
    expect(stated, 'README size figures vs the build (npm run build; UPDATE_README=1)').toEqual(
      measured,
    );
  });

  test('the budget counts every byte: the script-tag files pull in no other file', () => {
    // The IIFE's only import is the deps file, by computed URL beside the script.
    for (const file of scriptTagFiles) expect(relativeImports(read(file)), file).toEqual([]);
    // A classic script cannot hold a static import; a module worker/worklet would fetch more.
    for (const file of scriptTagFiles)
      expect(read(file), file).not.toMatch(/^\s*import\s*[\w{*"']/m);
    expect(read(IIFE)).not.toMatch(/importScripts\s*\(/);
  });
});

describe('browser files', () => {
  test('the set is what the entries reach (and excludes Node-only files)', () => {
    for (const f of browserFiles) expect(existsSync(join(DIST, f)), f).toBe(true);
    expect(browserFiles).not.toContain('server.js');
    expect(browserFiles).not.toContain('emulator.js');
    expect(browserFiles).not.toContain('emulator-cli.js');
    // Every dist .js is either a browser file or reached only from Node entries.
    const node = closure(['server.js', 'emulator.js', 'emulator-cli.js']);
    const all = readdirSync(DIST).filter((f) => f.endsWith('.js'));
    for (const f of all) expect(browserFiles.includes(f) || node.includes(f), f).toBe(true);
  });

  const NODE_OR_GENAI = [
    /GoogleGenAI/,
    /google-auth-library/,
    /@google\/genai/,
    /\bfrom\s*["']node:/,
    /\bimport\s*\(\s*["']node:/,
    /\brequire\s*\(\s*["']node:/,
    /\bfrom\s*["'](?:fs|path|os|crypto|http|https|net|stream|ws)["']/,
  ];
  // Strict CSP without 'unsafe-eval' refuses these at run time.
  const EVAL_LIKE = [
    /(?<![\w$.])eval\s*\(/,
    /\bnew\s+Function\s*\(/,
    /\bset(?:Timeout|Interval)\s*\(\s*["'`]/,
  ];

  test.each(browserFiles)('%s: no @google/genai, no Node built-ins, no eval', (file) => {
    const code = read(file);
    for (const re of [...NODE_OR_GENAI, ...EVAL_LIKE])
      expect(code, `${file} ~ ${re}`).not.toMatch(re);
  });
});
