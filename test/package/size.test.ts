/**
 * Size budget and browser hygiene of the built files (run after `npm run build`). The budget is
 * what a script-tag page downloads for a voice conversation on the Gemini wire: the IIFE before
 * the user presses talk (iife.test.ts checks from the request log that nothing else is fetched
 * before connect), then deps + worker + the worklet module on the first connect. Video
 * (camera/screen) and the ADK transport are on-demand chunks beside them, fetched by dynamic
 * import only when used, each with its own budget. Browser files must carry no @google/genai, no
 * Node built-ins and no eval-like code (strict CSP without 'unsafe-eval').
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { figuresIn, MARKER, readmeFigure } from '../../scripts/readme-figures.ts';
import { describe, expect, test } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const KB = 1024;
const BEFORE_CONNECT_BUDGET = 20 * KB;
/** What the script-tag files may weigh together (README, "2a"). */
const SCRIPT_TAG_TARGET = 45 * KB;

const IIFE = 'live-agent.iife.js';
/** Fetched from beside the IIFE on the first connect. */
const LAZY = ['live-agent.deps.js', 'live-agent.worker.js', 'live-agent-audio.worklet.js'];
/**
 * On-demand chunks beside deps and the worker: fetched by dynamic import only for camera/screen,
 * transport="adk", or a level meter that no worker can draw (budgets: measured + ~10%). Each may
 * statically import only the file that loads it (already evaluated: shared code is not duplicated).
 */
const ON_DEMAND: Record<string, { budget: number; loadedBy: string }> = {
  // The meter's main-thread drawing: only where the canvas cannot go to the meter worker.
  'live-agent-paint.js': { budget: 0.4 * KB, loadedBy: 'live-agent.deps.js' },
  'live-agent-video.js': { budget: 2.4 * KB, loadedBy: 'live-agent.deps.js' },
  'live-agent-video.worker.js': { budget: 0.5 * KB, loadedBy: 'live-agent.worker.js' },
  // The ADK transport with the element's ADK parts (agent name, server tool lines, ADK hints).
  'live-agent-adk.js': { budget: 2.8 * KB, loadedBy: 'live-agent.deps.js' },
  'live-agent-adk.worker.js': { budget: 2.5 * KB, loadedBy: 'live-agent.worker.js' },
};
const ON_DEMAND_FILES = Object.keys(ON_DEMAND);
/**
 * Workers started by URL only while a feature is on (never imported): the video worker, which
 * JPEG-encodes off the thread that carries the microphone and the socket. `startedBy` names the
 * on-demand chunk holding its URL.
 */
const BY_URL: Record<string, { budget: number; startedBy: string }> = {
  'live-agent-video-encoder.worker.js': { budget: 1.9 * KB, startedBy: 'live-agent-video.js' },
};
const BY_URL_FILES = Object.keys(BY_URL);
/** ESM entries a browser app imports (server and emulator are Node-only). */
const BROWSER_ENTRIES = ['index.js', 'element.js', 'dsp.js', 'testing.js', 'react.js', 'vue.js'];
/** The framework adapters: the only files that may import react or vue. */
const ADAPTERS = ['react.js', 'vue.js'];
/** What the README promises an adapter adds (React and Vue sections). */
const ADAPTER_BUDGET = readmeFigure('package/size', 'adapter-kb') * KB;

const read = (file: string) => readFileSync(join(DIST, file), 'utf8');
const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** Relative specifiers a bundle imports statically or dynamically (`./chunk-abc.js`). */
function relativeImports(code: string): string[] {
  return [...new Set([...staticImports(code), ...dynamicImports(code)])];
}

function matches(code: string, re: RegExp): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(re)) found.add(m[1]!.replace(/^\.\//, ''));
  return [...found].sort();
}
/** `import … from './x.js'`, `export … from './x.js'`, `import './x.js'`. */
const staticImports = (code: string) =>
  matches(code, /(?:\bfrom\s*|\bimport\s*)["'](\.\.?\/[^"']+)["']/g);
/** `import('./x.js')`. */
const dynamicImports = (code: string) => matches(code, /\bimport\s*\(\s*["'](\.\.?\/[^"']+)["']/g);

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
const browserFiles = [
  ...new Set([...scriptTagFiles, ...ON_DEMAND_FILES, ...BY_URL_FILES, ...closure(BROWSER_ENTRIES)]),
].sort();

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
        ` (budget ${SCRIPT_TAG_TARGET / KB} KB; before connect ${BEFORE_CONNECT_BUDGET / KB} KB)`,
      'on demand (video, transport="adk", a meter no worker draws):',
      ...[...ON_DEMAND_FILES, ...BY_URL_FILES].map(
        (f) =>
          `  ${f.padEnd(34)} ${(gz(f) / KB).toFixed(2).padStart(6)} KB` +
          ` (budget ${((ON_DEMAND[f] ?? BY_URL[f])!.budget / KB).toFixed(1)} KB)`,
      ),
    ].join('\n'),
  );

  test(`${IIFE} (all a page loads before connect) ≤ 20 KB`, () => {
    expect(sizes[IIFE]).toBeLessThanOrEqual(BEFORE_CONNECT_BUDGET);
  });

  test('IIFE + deps + worker + the worklet module within the budget', () => {
    expect(total).toBeLessThanOrEqual(SCRIPT_TAG_TARGET);
  });

  test.each(ON_DEMAND_FILES)('on-demand %s stays within its budget', (file) => {
    expect(gz(file)).toBeLessThanOrEqual(ON_DEMAND[file]!.budget);
  });

  test.each(BY_URL_FILES)('worker %s stays within its budget, imports nothing', (file) => {
    expect(gz(file)).toBeLessThanOrEqual(BY_URL[file]!.budget);
    // A module worker that imported would fetch more, outside every budget.
    expect(relativeImports(read(file)), file).toEqual([]);
    // Only the chunk that starts it names it: the voice path never loads it.
    expect(read(BY_URL[file]!.startedBy)).toContain(file);
    for (const f of scriptTagFiles) expect(read(f), f).not.toContain(file);
  });

  test('README states these sizes (KB to 0.1; UPDATE_README=1 rewrites them)', async () => {
    // The figures sit in markers: <!--test:package/size#total-->43.9<!--/--> (readme-figures.ts).
    const measured: Record<string, string> = {
      'before-connect': (sizes[IIFE]! / KB).toFixed(1),
      total: (total / KB).toFixed(1),
      video: (
        (gz('live-agent-video.js') +
          gz('live-agent-video.worker.js') +
          gz('live-agent-video-encoder.worker.js')) /
        KB
      ).toFixed(1),
      adk: ((gz('live-agent-adk.js') + gz('live-agent-adk.worker.js')) / KB).toFixed(1),
      // The worker RPC, each side bundled on its own (inside the two files it gzips smaller).
      comlink: (
        ((await bundled(`import { wrap, transfer } from 'comlink'; console.log(wrap, transfer);`)) +
          (await bundled(`import { expose } from 'comlink'; console.log(expose);`))) /
        KB
      ).toFixed(1),
    };
    // (adapter-kb is a budget the adapter test reads, not a measured size)
    const ours = (f: { kind: string; producer: string; key: string }) =>
      f.kind === 'test' && f.producer === 'package/size' && f.key !== 'adapter-kb';
    let readme = readFileSync(README, 'utf8');
    if (process.env.UPDATE_README) {
      readme = readme.replace(MARKER, (m, kind: string, producer: string, key: string) =>
        ours({ kind, producer, key }) && key in measured
          ? `<!--test:package/size#${key}-->${measured[key]}<!--/-->`
          : m,
      );
      writeFileSync(README, readme);
    }
    const stated = Object.fromEntries(
      figuresIn(readme)
        .filter(ours)
        .map((f) => [f.key, f.text]),
    );
    expect(stated, 'README size figures vs the build (npm run build; UPDATE_README=1)').toEqual(
      measured,
    );
  });

  test('the budget counts every byte: the script-tag files pull in no other file', () => {
    // The IIFE's only import is the deps file, by computed URL beside the script. The others
    // import nothing statically, and dynamically only their on-demand chunks.
    for (const file of scriptTagFiles) {
      expect(staticImports(read(file)), file).toEqual([]);
      const chunks = ON_DEMAND_FILES.filter((f) => ON_DEMAND[f]!.loadedBy === file).sort();
      expect(dynamicImports(read(file)), file).toEqual(chunks);
    }
    // An on-demand chunk reuses the (already evaluated) file that loads it, and nothing else.
    for (const file of ON_DEMAND_FILES) {
      const others = staticImports(read(file)).filter((f) => f !== ON_DEMAND[file]!.loadedBy);
      expect(others, file).toEqual([]);
      expect(dynamicImports(read(file)), file).toEqual([]);
    }
    // A classic script cannot hold a static import; a module worker/worklet would fetch more.
    for (const file of scriptTagFiles)
      expect(read(file), file).not.toMatch(/^\s*import\s*[\w{*"']/m);
    expect(read(IIFE)).not.toMatch(/importScripts\s*\(/);
  });
});

describe('script-tag files share, not copy', () => {
  test('live-agent.deps.js takes the error classes from the IIFE (src/element/shared-errors.ts)', () => {
    // A copy would cost bytes and split instanceof between the two files' classes.
    expect(read(IIFE)).toMatch(/\bextends Error\b/);
    expect(read('live-agent.deps.js')).not.toMatch(/\bextends Error\b/);
    expect(read('live-agent.deps.js')).toContain('live-agent.errors');
  });

  test("each side of the worker ships only its half of comlink (the build drops comlink's unused proxy handler)", () => {
    // wrap() builds its remote with a Proxy; expose() alone honours Comlink.finalizer.
    expect(read('live-agent.deps.js')).toContain('new Proxy(');
    expect(read('live-agent.worker.js')).not.toContain('new Proxy(');
    expect(read('live-agent.worker.js')).toContain('Comlink.finalizer');
    expect(read('live-agent.deps.js')).not.toContain('Comlink.finalizer');
    // The page only calls methods: the worker's expose answers no set, `new` or endpoint request.
    for (const type of ['"APPLY"', '"RELEASE"'])
      expect(read('live-agent.worker.js')).toContain(type);
    for (const type of ['"GET"', '"SET"', '"CONSTRUCT"', '"ENDPOINT"']) {
      expect(read('live-agent.worker.js')).not.toContain(type);
      // …and the page's remotes send none of them.
      expect(read('live-agent.deps.js')).not.toContain(type);
    }
    // Nor does the page release remotes by hand, or the worker check origins it cannot get.
    expect(read('live-agent.deps.js')).not.toContain('Comlink.releaseProxy');
    expect(read('live-agent.worker.js')).not.toContain('Invalid origin');
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

/** gzip -9 of a minified consumer bundle of `code` (what an app's bundler ships). */
async function bundled(code: string): Promise<number> {
  const result = await build({
    stdin: { contents: code, resolveDir: DIST, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'error',
    external: ['react', 'vue'],
    plugins: [
      {
        // The element is loaded by <LiveAgent> on mount, as its own chunk: not part of the adapter.
        name: 'lazy-element',
        setup(b) {
          b.onResolve({ filter: /element\.js$/ }, (a) =>
            a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

describe('framework adapters', () => {
  test('react and vue are imported by live-agent/react and live-agent/vue only', () => {
    const framework =
      /\bfrom\s*["'](?:react|react-dom|vue)(?:\/[^"']*)?["']|\bimport\s*\(?\s*["'](?:react|vue)["']/;
    const others = [
      ...new Set([
        ...scriptTagFiles,
        ...closure(BROWSER_ENTRIES.filter((f) => !ADAPTERS.includes(f))),
      ]),
    ];
    for (const file of others) expect(read(file), file).not.toMatch(framework);
    for (const file of ADAPTERS) expect(read(file), file).toMatch(framework);
    // Next.js: the React entry is a client module.
    expect(read('react.js')).toMatch(/^['"]use client['"];/);
  });

  test('each adapter adds no more than the README says (minified, gzip -9) on top of the core', async () => {
    const core = await bundled(
      `import { createLiveAgent } from './index.js'; console.log(createLiveAgent);`,
    );
    const names = 'useLiveAgent, useLiveAgentLevels, LiveAgent, subscribeLevels';
    for (const adapter of ADAPTERS) {
      const added =
        (await bundled(`import { ${names} } from './${adapter}'; console.log(${names});`)) - core;
      console.log(
        `${adapter} on top of the core (${(core / KB).toFixed(2)} KB): ${(added / KB).toFixed(2)} KB gzip`,
      );
      expect(added, adapter).toBeLessThanOrEqual(ADAPTER_BUDGET);
    }
  });
});
