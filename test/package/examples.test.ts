/**
 * The README's quick starts, run exactly as written: `node examples/<name>/server.js` on the built
 * dist/ with no GEMINI_API_KEY (so the example starts the emulator itself), then Chromium with the
 * speech WAV as its microphone opens the page, connects by clicking, speaks, sees the transcript
 * and ends the call. Nothing here knows the example's internals beyond its printed URL and its UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, recordConsole, until } from './support/chromium.ts';

let browser: Browser;
const servers: ChildProcess[] = [];

/** Starts an example's server on a free port (PORT=0) and resolves with the URL it prints. */
function startExample(name: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.GEMINI_API_KEY; // the examples must start their own emulator here
  const server = spawn(process.execPath, [`examples/${name}/server.js`], { env });
  servers.push(server);
  return new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /live-agent example: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m && /Live API: local emulator http:\/\/127\.0\.0\.1:\d+/.test(out)) resolve(m[1]!);
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${out}`)));
  });
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

async function openPage(url: string): Promise<{ page: Page; errors: () => string[] }> {
  const page = await browser.newPage();
  const lines = recordConsole(page);
  const response = await page.goto(url);
  expect(response!.status()).toBe(200);
  const errors = () =>
    lines.filter((l) => l.type === 'error' || l.type === 'pageerror').map((l) => l.text);
  return { page, errors };
}

describe('examples/script-tag (README quick start 2a)', () => {
  test('connect by click, speak, transcript, End; tokens only for the signed-in page', async () => {
    const url = await startExample('script-tag');
    // The token endpoint is the only path that mints, and only for a page session.
    const anonymous = await fetch(new URL('/api/live-token', url), { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect((await fetch(new URL('/api/other', url), { method: 'POST' })).status).toBe(404);

    const { page, errors } = await openPage(url);
    expect(await page.locator('live-agent').count()).toBe(1);
    await page.getByRole('button', { name: 'Talk', exact: true }).click();
    // The fake microphone plays speech: the emulator hears it and both lanes fill in.
    const agent = page.locator('live-agent');
    await until(
      'a user and an agent caption',
      async () => {
        const turns = await agent.locator('[part~="turn"]').allTextContents();
        return turns.some((t) => /You: .*s of speech/.test(t)) &&
          turns.some((t) => /Agent: I heard/.test(t))
          ? turns
          : null;
      },
      20_000,
    );
    await agent.getByRole('button', { name: 'End', exact: true }).click();
    await until('status closed', () =>
      page.evaluate(
        () =>
          (document.querySelector('live-agent') as never as { status: string }).status === 'closed',
      ),
    );
    expect(errors()).toEqual([]);
    await page.close();
  });
});

describe('examples/session-api (README quick start 2c)', () => {
  test('Talk, speak, transcript list, End', async () => {
    const url = await startExample('session-api');
    const { page, errors } = await openPage(url);
    await page.getByRole('button', { name: 'Talk', exact: true }).click();
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 15_000 })
      .toBe('connected');
    await until(
      'a user and an agent line',
      async () => {
        const items = await page.locator('#transcript li').allTextContents();
        return items.some((t) => /^You: .*s of speech/.test(t)) &&
          items.some((t) => /^Agent: I heard/.test(t))
          ? items
          : null;
      },
      20_000,
    );
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('closed');
    expect(errors()).toEqual([]);
    await page.close();
  });
});
