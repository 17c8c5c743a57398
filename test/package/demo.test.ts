/**
 * `npm start`'s server (demo/server.ts) on the built dist/: it prints a URL, serves the page under
 * its strict CSP, mints tokens against the built-in emulator, and the page's <live-agent> connects
 * and answers a typed turn. (npm start = build + this server; the build is tested elsewhere.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import type { AxeResults, RunOptions } from 'axe-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, recordConsole, until } from './support/chromium.ts';

let server: ChildProcess;
let url: string;
let browser: Browser;

beforeAll(async () => {
  const env = { ...process.env };
  delete env.GEMINI_API_KEY; // the demo must run on the emulator here, never reach Google
  server = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts', '--port', '0'], { env });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /live-agent demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`demo server exited (${code}): ${out}`)));
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

test('prints its URL; the page connects to the emulator and answers a typed turn', async () => {
  const page = await browser.newPage();
  const consoleLines = recordConsole(page);
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    ),
  );
  const response = await page.goto(url);
  expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
  // The backend is in the served page itself: a connect right at load can't race a config fetch
  // (it once did, and tried Google's endpoint with an emulator token).
  expect(await response!.text()).not.toContain('{{');
  expect(await page.getAttribute('#agent', 'endpoint')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await page.evaluate(() =>
    (
      document.getElementById('agent') as HTMLElement & {
        connect(): Promise<void>;
      }
    ).connect(),
  );
  expect(
    await page.evaluate(
      () => (document.getElementById('agent') as never as { status: string }).status,
    ),
  ).toBe('connected');
  // The fake microphone loops speech, which would barge in on the answer: type with it muted.
  await page.evaluate(() => {
    const el = document.getElementById('agent') as never as {
      sendText(t: string): void;
      session: { setMicEnabled(on: boolean): void };
    };
    el.session.setMicEnabled(false);
    el.sendText('Hello there');
  });
  const answer = await until('the agent to answer in the transcript', () =>
    page.evaluate(() => {
      const el = document.getElementById('agent') as never as {
        session: {
          getSnapshot(): { transcript: readonly { role: string; text: string; final: boolean }[] };
        };
      };
      return el.session.getSnapshot().transcript.find((t) => t.role === 'model' && t.final)?.text;
    }),
  );
  expect(answer).toContain('Hello there');
  expect(violations).toEqual([]);
  expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'pageerror')).toEqual([]);
  await page.close();
});

/** axe-core over the whole page (shadow roots included): serious and critical findings. */
async function seriousAxe(page: Page): Promise<string[]> {
  const source = readFileSync(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(c: Document, o?: RunOptions): Promise<AxeResults> } }
    ).axe;
    const { violations } = await axe.run(document);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

test('the page: axe finds nothing serious; the event log starts with a placeholder and groups a turn into one line', async () => {
  // axe is injected as a script: this context lets it past the page's strict CSP.
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 400, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(url);
  expect(await page.locator('#events-empty').isVisible()).toBe(true);
  expect(await seriousAxe(page)).toEqual([]);
  // Narrow screens cut code lines: each block must scroll from the keyboard.
  for (const pre of await page.locator('pre').all()) {
    expect(await pre.getAttribute('tabindex')).toBe('0');
  }
  const copy = await page.locator('#copy').boundingBox();
  const snippet = await page.locator('pre:has(#snippet)').boundingBox();
  expect(copy!.y + copy!.height, 'Copy sits above the snippet').toBeLessThanOrEqual(snippet!.y);

  await page.evaluate(async () => {
    const el = document.getElementById('agent') as never as {
      connect(): Promise<void>;
      sendText(t: string): void;
      session: { setMicEnabled(on: boolean): void };
    };
    await el.connect();
    el.session.setMicEnabled(false);
    el.sendText('Hello there, how are you doing today?');
  });
  const rows = page.locator('#event-log li');
  await until('the reply in the log', async () =>
    (await rows.allTextContents()).some((t) =>
      /agentYou said: Hello there, how are you doing today\?$/.test(t),
    ),
  );
  expect(await page.locator('#events-empty').isVisible()).toBe(false);
  // The reply streamed in several fragments; the log shows it as one line.
  const agentRows = (await rows.allTextContents()).filter((t) => /^\S+agent/.test(t));
  expect(agentRows).toHaveLength(1);
  expect(await seriousAxe(page)).toEqual([]);
  await context.close();
});

test('PORT picks the port too (npm start -- --port N passes --port through)', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
  delete env.GEMINI_API_KEY;
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/server.ts'], { env });
  try {
    const printed = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /live-agent demo: (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`demo server exited (${code}): ${out}`)));
    });
    expect(printed).not.toMatch(/:8080\//); // PORT=0 → a free port, not the default
    expect((await fetch(printed)).status).toBe(200);
  } finally {
    child.kill();
  }
});

test.each(['react', 'vue'])(
  'the %s demo page (linked from the element demo) talks under the same CSP',
  async (name) => {
    const home = await browser.newPage();
    await home.goto(url);
    expect(await home.locator(`a[href="/${name}/"]`).count()).toBe(1);
    await home.close();
    const page = await browser.newPage();
    const consoleLines = recordConsole(page);
    const response = await page.goto(`${url}${name}/`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    const button = page.getByRole('button', { name: 'Talk' });
    await button.click();
    await until('connected', async () =>
      (await page.locator('.agent-app').textContent())?.includes('Status: connected'),
    );
    // The fake microphone's speech: the user's turn, then the agent's spoken answer.
    await until(
      'both transcripts',
      async () =>
        (await page.locator('li[data-role=user]').count()) > 0 &&
        /I heard/.test((await page.locator('li[data-role=model]').first().textContent()) ?? ''),
      20_000,
    );
    await page.getByRole('button', { name: 'Stop' }).click();
    await until('closed', async () =>
      (await page.locator('.agent-app').textContent())?.includes('Status: closed'),
    );
    expect(consoleLines.filter((l) => l.type === 'error' || l.type === 'pageerror')).toEqual([]);
    await page.close();
  },
);
