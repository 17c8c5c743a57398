/**
 * `asset-base` in both built faces: the ESM element (`dist/element.js`) and the script-tag IIFE,
 * served from /pkg/ while the same files are also served from /cdn/ and `asset-base="/cdn/"`.
 * Every worker and worklet the element starts (transport worker, both worklets, the video encoder
 * worker) must come from /cdn/, none from beside the bundle.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.ts';
import { launchChromium, recordConsole, until } from './support/chromium.ts';
import { startStaticServer, type StaticServer } from './support/static-server.ts';
import { addTokenRoutes } from './support/token-routes.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const WORKERS = [
  'live-agent.worker.js',
  'live-agent-audio.worklet.js',
  'live-agent-video-encoder.worker.js',
];

let browser: Browser;
let emulator: Emulator;
let server: StaticServer;
let context: BrowserContext | undefined;

function page(script: string, endpoint: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>asset-base</title>${script}</head>
<body>
<live-agent asset-base="/cdn/" token-url="/api/live-token" endpoint="${endpoint}"></live-agent>
</body>
</html>`;
}

beforeAll(async () => {
  [browser, emulator] = await Promise.all([launchChromium(), createEmulator({ speech: 'tone' })]);
  server = await startStaticServer({ mounts: { '/pkg/': DIST, '/cdn/': DIST } });
  addTokenRoutes(server, emulator);
  server.page('/favicon.ico', '', 'image/x-icon');
  server.page(
    '/esm.html',
    page('<script type="module" src="/pkg/element.js"></script>', emulator.url),
  );
  server.page('/iife.html', page('<script src="/pkg/live-agent.iife.js"></script>', emulator.url));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  emulator.reset();
});

type El = HTMLElement & {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  session: { startVideo(source: 'camera', options: { fps: number }): Promise<void> };
};

describe.each([
  ['ESM element build', '/esm.html'],
  ['IIFE', '/iife.html'],
])('%s with asset-base', (_, path) => {
  test('loads every worker and worklet from asset-base, none from beside the bundle', async () => {
    context = await browser.newContext();
    const tab = await context.newPage();
    const lines = recordConsole(tab);
    await tab.goto(server.url + path);
    await tab.waitForFunction(() => customElements.get('live-agent') !== undefined);
    const before = Date.now();
    await tab.evaluate(async () => {
      const el = document.querySelector('live-agent') as El;
      await el.connect();
      await el.session.startVideo('camera', { fps: 2 }); // Chromium's fake camera
    });
    const session = await emulator.waitForSession();
    await until('video frames at the emulator', () => session.videoFrames >= 1, 15_000);
    const fetched = server.requests.filter((r) => r.at >= before).map((r) => r.path);
    for (const file of WORKERS) {
      expect(fetched, file).toContain(`/cdn/${file}`);
      expect(fetched, file).not.toContain(`/pkg/${file}`);
    }
    await tab.evaluate(() => (document.querySelector('live-agent') as El).disconnect());
    expect(lines.filter((l) => l.type === 'pageerror')).toEqual([]);
  });
});
