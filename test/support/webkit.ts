/**
 * Starts WebKitWebDriver for the WebKit lane. Vitest's webdriverio provider sends
 * browserName 'safari', and WebKitWebDriver matches it against the binary's file name, hence the
 * bin/safari symlink to MiniBrowser (docs/testing.md, WebKit).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { browserEngines, enginePath } from './engines.ts';

const SAFARI = fileURLToPath(new URL('../../bin/safari', import.meta.url));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.end();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

export async function startWebKitDriver(): Promise<void> {
  if (!browserEngines().some((e) => e.name === 'webkit')) return;
  const minibrowser = enginePath('webkit');
  if (!minibrowser) throw new Error('MiniBrowser (webkit2gtk-driver) not found');
  mkdirSync(new URL('../../bin/', import.meta.url), { recursive: true });
  rmSync(SAFARI, { force: true });
  symlinkSync(minibrowser, SAFARI);
  if (!process.env.DISPLAY)
    throw new Error('The WebKit lane needs an X display: run through "npm test" (xvfb-run).');
  // One driver per WebKit project (it serves one session at a time): the suite and the
  // autoplay-gating project (vitest.config.ts).
  const base = Number(process.env.WEBKIT_DRIVER_PORT ?? 4445);
  await Promise.all([base, base + 1].map(startDriver));
}

async function startDriver(port: number): Promise<void> {
  if (await portOpen(port)) return; // already running (both projects share this global setup)
  const driver = spawn('WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  const start = Date.now();
  while (!(await portOpen(port))) {
    if (Date.now() - start > 10_000) throw new Error(`WebKitWebDriver did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Not killed in teardown: Vitest tears down before the provider deletes its session.
  driver.unref();
  process.on('exit', () => driver.kill());
}
