/**
 * The packed tarball in a real Vite app: `npm pack`, extract into a temp app's node_modules, build
 * support/vite-app (`*.tmpl` there so the repo's own tsc/eslint skip the app and its deliberate
 * type error) with Vite, run it in Chromium, and type-check consumer code against the packed
 * `.d.ts` with `skipLibCheck: false`.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, recordConsole, until } from './support/chromium.ts';
import { startStaticServer, type StaticServer } from './support/static-server.ts';
import { addTokenRoutes } from './support/token-routes.ts';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const COMPANIONS = ['live-agent.worker.js', 'live-agent-audio.worklet.js'];
const APP_SOURCE = fileURLToPath(new URL('./support/vite-app/', import.meta.url));

let tmp: string;
let app: string;
let browser: Browser | undefined;
let server: StaticServer | undefined;
let emulator: Emulator | undefined;
let typecheck: Promise<{ code: number; out: string }>;

/** Runs the repo's tsc on a project; resolves with its exit code and output. */
async function tsc(project: string): Promise<{ code: number; out: string }> {
  const bin = join(REPO, 'node_modules/.bin/tsc');
  try {
    const { stdout } = await run(bin, ['-p', project, '--pretty', 'false'], { cwd: app });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function tsconfig(name: string, files: string[]): string {
  const file = join(app, name);
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    allowImportingTsExtensions: false,
  };
  writeFileSync(file, JSON.stringify({ compilerOptions, files }, null, 2));
  return file;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'live-agent-vite-'));
  app = join(tmp, 'app');
  const pkgDir = join(app, 'node_modules/live-agent');
  mkdirSync(pkgDir, { recursive: true });
  const [{ stdout }, launched] = await Promise.all([
    run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: REPO }),
    launchChromium(),
  ]);
  browser = launched;
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await run('tar', ['-xzf', join(tmp, filename), '-C', pkgDir, '--strip-components=1']);
  // The declarations import LiveConnectConfig from @google/genai (an optional peer dependency):
  // a TypeScript consumer installs it, so the app gets it too; nothing else from the repo.
  mkdirSync(join(app, 'node_modules/@google'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules/@google/genai'), join(app, 'node_modules/@google/genai'));
  for (const file of readdirSync(APP_SOURCE))
    cpSync(join(APP_SOURCE, file), join(app, file.replace(/\.tmpl$/, '')));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  // What an app does today for the real element: copy the companion files the package exports
  // into public/ and point `asset-base` at them (see the zero-config test below).
  mkdirSync(join(app, 'public/live-agent'), { recursive: true });
  for (const file of COMPANIONS)
    cpSync(join(pkgDir, 'dist', file), join(app, 'public/live-agent', file));
  // tsc over the DOM lib and @google/genai's declarations takes seconds: overlap it with the
  // Vite build and the browser test instead of waiting in line.
  typecheck = tsc(tsconfig('tsconfig.json', ['main.ts', 'bad.ts']));
  typecheck.catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('ships dist (with declarations) and nothing from src or test', () => {
    const pkgDir = join(app, 'node_modules/live-agent');
    const top = readdirSync(pkgDir).sort();
    expect(top).toEqual(expect.arrayContaining(['dist', 'package.json']));
    expect(top).not.toContain('src');
    expect(top).not.toContain('test');
    const dist = readdirSync(join(pkgDir, 'dist'));
    expect(dist).toEqual(expect.arrayContaining(['live-agent.iife.js', 'index.js', 'types']));
  });

  test('a Vite build of an app using live-agent, /element, /dsp and /testing runs in Chromium', async () => {
    await build({
      root: app,
      configFile: false,
      logLevel: 'warn',
      build: { outDir: join(app, 'dist'), emptyOutDir: true },
    });
    emulator = await createEmulator({ speech: 'tone' });
    server = await startStaticServer({ mounts: { '/': join(app, 'dist') } });
    addTokenRoutes(server, emulator);
    server.page('/favicon.ico', '', 'image/x-icon'); // keeps 404 noise out of the console log
    const page = await browser!.newPage();
    const lines = recordConsole(page);
    await page.goto(`${server.url}/index.html`);
    const result = await until('the app result', () =>
      page.evaluate(() => (window as unknown as { __result?: Record<string, unknown> }).__result),
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    expect(result).toMatchObject({
      defined: true,
      sessionClass: true,
      statuses: ['connecting', 'connected', 'closed'],
      transcript: ['user: hello from the app', 'model: Hi, app.'],
      sentText: true,
      elementStatus: 'connected',
      elementBold: 0,
      notConnected: 'not-connected',
    });
    expect(result.elementCaption).toContain('<b>bold?</b>');
    expect(result.domEvents).toEqual(
      expect.arrayContaining(['live-agent-status', 'live-agent-transcript']),
    );
    expect(result.samples).toBeGreaterThanOrEqual(15990);
    expect(result.samples).toBeLessThanOrEqual(16010);
    expect(result.rms).toBeCloseTo(0.5 * Math.SQRT1_2, 2);
    expect(result.roundTripError).toBeLessThan(1 / 32768 + 1e-9);
    expect(lines.filter((l) => l.type === 'error' || l.type === 'pageerror')).toEqual([]);

    // The real <live-agent> from live-agent/element: lazily loaded deps chunk, worker and
    // worklets from asset-base, a token from token-url, microphone frames to the emulator.
    const before = Date.now();
    await page.evaluate(async (endpoint) => {
      const el = document.querySelector('live-agent')!;
      el.setAttribute('endpoint', endpoint);
      await el.connect();
    }, emulator.url);
    const session = await emulator.waitForSession();
    await until(
      'mic frames at the emulator',
      () => session.received.filter((f) => f.message?.realtimeInput).length > 10,
    );
    expect(await page.evaluate(() => document.querySelector('live-agent')!.status)).toBe(
      'connected',
    );
    const fetched = server.requested('/', before).map((r) => r.path);
    for (const file of COMPANIONS) expect(fetched).toContain(`/live-agent/${file}`);
    expect(fetched.some((p) => /^\/assets\/deps-.*\.js$/.test(p))).toBe(true);
    await page.evaluate(() => document.querySelector('live-agent')!.disconnect());
  });

  // The ESM build loads its companions with the literal `new URL('./file', import.meta.url)`
  // pattern, so Vite ships the worker and both worklets with the app: no asset-base needed.
  // The worklet module (both processors) is above `build.assetsInlineLimit` (4 KB), so Vite emits
  // it as a file rather than a data: URL.
  test('zero config: Vite emits the worker and the worklet module', () => {
    const emitted = readdirSync(join(app, 'dist/assets'));
    for (const name of ['live-agent.worker', 'live-agent-audio.worklet'])
      expect(
        emitted.some((f) => f.includes(name)),
        name,
      ).toBe(true);
  });

  test('consumer code type-checks against the packed .d.ts; a deliberate error fails', async () => {
    // One run: main.ts must be clean and bad.ts must fail with exactly its two errors. Had the
    // declarations not resolved, the errors would be TS2307/TS7016, or none for an `any` package.
    const { code, out } = await typecheck;
    expect(code).not.toBe(0);
    const errors = out.split('\n').filter((l) => l.includes('error TS'));
    expect(errors, out).toHaveLength(2);
    expect(errors[0]).toMatch(/^bad\.ts\(8,\d+\): error TS2322:.*"online"/);
    expect(errors[1]).toMatch(/^bad\.ts\(9,\d+\): error TS2345:/);
  });
});
