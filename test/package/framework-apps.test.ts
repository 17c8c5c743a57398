/**
 * The packed tarball in fresh Vite + React and Vite + Vue apps: `npm pack`, `npm install` the
 * tarball with the apps' runtime dependencies (exact pins, from the registry through npm's cache),
 * build with Vite, serve, and in Chromium against the emulator: connect with the fake microphone
 * (the React app under StrictMode, from a mount effect), both transcripts, audio played,
 * disconnect, and nothing left (socket, worker, track, AudioContext). The React component also
 * renders in Node with react-dom/server, and both apps' sources type-check against the packed
 * declarations (tsc on TSX, vue-tsc on .vue) while deliberate errors fail.
 * Templates are `*.tmpl` so the repo's own tsc/eslint skip them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import vue from '@vitejs/plugin-vue';
import { build as esbuild } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';
import { launchChromium, recordConsole, until } from './support/chromium.ts';
import { createApp, exec, pinned, REPO, tsconfig } from './support/apps.ts';
import { resources, trackResources } from './support/resources.ts';
import { startStaticServer, type StaticServer } from './support/static-server.ts';
import { addTokenRoutes, type TokenRoutes } from './support/token-routes.ts';

const run = promisify(execFile);

interface App {
  dir: string;
  server: StaticServer;
  tokens: TokenRoutes;
}

let tmp: string;
let tarball: string;
let browser: Browser;
let emulator: Emulator;
const apps: Record<string, Promise<App>> = {};
const checks: Record<string, Promise<{ code: number; out: string }>> = {};

async function serve(dir: string): Promise<App> {
  const server = await startStaticServer({ mounts: { '/': join(dir, 'dist') } });
  const tokens = addTokenRoutes(server, emulator);
  server.page('/favicon.ico', '', 'image/x-icon'); // keeps 404 noise out of the console log
  return { dir, server, tokens };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'live-agent-frameworks-'));
  const [{ stdout }, launched, emu] = await Promise.all([
    run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: REPO }),
    launchChromium(),
    createEmulator({ speech: 'tone', vad: { silenceMs: 500 } }),
  ]);
  browser = launched;
  emulator = emu;
  tarball = join(tmp, (JSON.parse(stdout) as [{ filename: string }])[0].filename);
  // One install and one build per app, shared by its tests; the apps prepare side by side, and
  // the slow type checks run while the browser tests do.
  const react = (name: string, deps: string[]) =>
    createApp(tmp, tarball, name, 'react-app', deps).then(async (dir) => {
      tsconfig(dir, ['main.tsx', 'App.tsx', 'bad.tsx'], { jsx: 'react-jsx' });
      // A development build: StrictMode double-runs effects only there.
      await build({
        root: dir,
        configFile: false,
        mode: 'development',
        logLevel: 'error',
        define: { 'process.env.NODE_ENV': '"development"' },
        build: { outDir: join(dir, 'dist'), minify: false },
      });
      return serve(dir);
    });
  apps.react = react('react-app', pinned('react', 'react-dom', '@types/react', '@types/react-dom'));
  // React 18: refs through forwardRef, custom elements as attributes only.
  apps.react18 = react('react18-app', ['react@18.3.1', 'react-dom@18.3.1']);
  apps.vue = createApp(tmp, tarball, 'vue-app', 'vue-app', pinned('vue')).then(async (dir) => {
    tsconfig(dir, ['main.ts', 'App.vue', 'Bad.vue']);
    await build({
      root: dir,
      configFile: false,
      logLevel: 'warn',
      // The plain element in templates: tell Vue's compiler it is not a component.
      plugins: [
        vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'live-agent' } } }),
      ],
      build: { outDir: join(dir, 'dist') },
    });
    return serve(dir);
  });
  checks.react = apps.react.then(({ dir }) =>
    exec(join(REPO, 'node_modules/.bin/tsc'), ['-p', '.', '--pretty', 'false'], dir),
  );
  checks.vue = apps.vue.then(({ dir }) =>
    exec(join(REPO, 'node_modules/.bin/vue-tsc'), ['-p', '.', '--pretty', 'false'], dir),
  );
  for (const check of Object.values(checks)) check.catch(() => undefined);
  for (const app of Object.values(apps)) app.catch(() => undefined);
});

afterAll(async () => {
  await browser?.close();
  for (const app of Object.values(apps))
    await app.then((a) => a.server.close()).catch(() => undefined);
  await emulator?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

/** The app's whole conversation in Chromium; returns what it saw for app-specific checks. */
async function converse(app: App): Promise<Page> {
  emulator.reset();
  const context = await browser.newContext();
  await context.addInitScript(trackResources);
  const page = await context.newPage();
  const lines = recordConsole(page);
  await page.goto(`${app.server.url}/index.html?endpoint=${encodeURIComponent(emulator.url)}`);
  const session = await emulator.waitForSession({ timeoutMs: 15_000 });
  await until('connected', async () => (await text(page, '#status')) === 'connected');
  await until(
    'the user transcript',
    async () => ((await text(page, '[data-role=user]')) ?? '').length > 0,
    20_000,
  );
  await until(
    'the agent transcript',
    async () => /I heard/.test((await text(page, '[data-role=model]')) ?? ''),
    20_000,
  );
  await until(
    'audio played',
    async () => Number(await page.getAttribute('#output', 'data-max')) > 0.01,
    10_000,
  );
  // One socket and one microphone capture, ever (StrictMode's double effect did not open two).
  await expect(emulator.waitForSession({ timeoutMs: 300 })).rejects.toThrow(/no emulator session/);
  expect(app.tokens.minted).toHaveLength(1);
  const during = await resources(page);
  expect(during).toMatchObject({ workers: 1, contexts: 1, liveWorkers: 1, openContexts: 1 });
  expect(during.liveTracks).toBeGreaterThan(0);

  await page.click('#disconnect');
  await until('closed', async () => (await text(page, '#status')) === 'closed');
  await session.closed;
  const after = await until('nothing left', async () => {
    const r = await resources(page);
    return r.liveWorkers + r.openContexts + r.liveTracks === 0 && emulator.sessions.length === 0
      ? r
      : null;
  });
  expect(after).toMatchObject({
    workers: 1,
    contexts: 1,
    liveWorkers: 0,
    openContexts: 0,
    liveTracks: 0,
  });
  expect(lines.filter((l) => l.type === 'error' || l.type === 'pageerror')).toEqual([]);
  return page;
}

describe('a Vite + React app (StrictMode) from the tarball', () => {
  test.each([
    ['19', 'react'],
    ['18', 'react18'],
  ])(
    'React %s: connects from a mount effect: transcripts, audio, disconnect, nothing left',
    async (version, name) => {
      const page = await converse(await apps[name]!);
      expect(await page.evaluate(() => (window as unknown as { React?: string }).React)).toBe(
        undefined,
      );
      expect(await text(page, '#react-version')).toMatch(new RegExp(`^${version}\\.`));
      // StrictMode ran the connect effect twice, and still one socket and one microphone above.
      expect(await text(page, '#effects')).toBe('2');
      // The subscribeLevels frame callback saw the microphone; <LiveAgent> is upgraded, its ref
      // is the element, and onStatus has not fired (it never connected).
      expect(await page.locator('#input-bar').getAttribute('data-heard')).toBe('');
      expect(
        await page.evaluate(() => document.querySelector('#component')!.shadowRoot !== null),
      ).toBe(true);
      await page.click('#ref-check');
      expect(await page.title()).toBe('idle');
      expect(await text(page, '#component-statuses')).toBe('');
      await page.context().close();
    },
  );

  test('react-dom/server renders the app component in Node: idle, nothing fetched, exits', async () => {
    const { dir } = await apps.react!;
    await esbuild({
      entryPoints: [join(dir, 'App.tsx')],
      outfile: join(dir, 'ssr/App.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      jsx: 'automatic',
      packages: 'external',
      logLevel: 'error',
    });
    const script = `
      globalThis.fetch = () => { throw new Error('fetched during render'); };
      import { createElement } from 'react';
      import { renderToString } from 'react-dom/server';
      const { App } = await import('./ssr/App.mjs');
      console.log(renderToString(createElement(App)));
    `;
    const { code, out } = await exec(process.execPath, ['--input-type=module', '-e', script], dir);
    expect(code, out).toBe(0);
    expect(out).toContain('<p id="status">idle</p>');
    expect(out).toContain(
      '<live-agent id="component" token-url="/api/live-token" microphone="off">',
    );
  });

  test('the app type-checks against the packed .d.ts (tsc); the deliberate errors fail', async () => {
    const { code, out } = await checks.react!;
    expect(code).not.toBe(0);
    // Line 6: a status that does not exist; line 7: a mode that does not exist, a payload field
    // that does not exist. Nothing else: the app itself and every .d.ts (skipLibCheck off) pass.
    const errors = out.split('\n').filter((l) => l.includes('error TS'));
    expect(
      errors.map((l) => /^bad\.tsx\((\d+),/.exec(l)?.[1]),
      out,
    ).toEqual(['6', '7', '7']);
  });
});

describe('a Vite + Vue app from the tarball', () => {
  test('connects on mount: transcripts, audio, disconnect, nothing left; the plain element too', async () => {
    const page = await converse(await apps.vue!);
    // The bare `import 'live-agent/element'` survived the build: the plain tag is upgraded.
    expect(await page.evaluate(() => document.querySelector('#plain')!.shadowRoot !== null)).toBe(
      true,
    );
    expect(
      await page.evaluate(() => document.querySelector('#component')!.shadowRoot !== null),
    ).toBe(true);
    await page.click('#ref-check');
    expect(await text(page, '#ref-status')).toBe('idle');
    await page.context().close();
  });

  test('the app type-checks against the packed .d.ts (vue-tsc); the deliberate errors fail', async () => {
    const { code, out } = await checks.vue!;
    expect(code).not.toBe(0);
    // Bad.vue: a status that does not exist (script), a mode that does not exist and a payload
    // field that does not exist (template). Nothing else: App.vue and every .d.ts pass.
    const errors = out.split('\n').filter((l) => l.includes('error TS'));
    console.log(errors.join('\n'));
    expect(
      errors.map((l) => /^Bad\.vue\((\d+),/.exec(l)?.[1]),
      out,
    ).toEqual(['6', '10', '10']);
  });
});
