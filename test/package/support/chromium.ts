/**
 * Launches Debian's Chromium through playwright-core with the fake microphone playing the speech
 * fixture (docs/testing.md, Chromium). One browser per test file; each test opens its own context.
 */
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, enginePath } from '../../support/engines.ts';
import { ensureSpeechWav } from '../../support/fixtures.ts';

export async function launchChromium(): Promise<Browser> {
  // Absolute path: a wrong one is silent input with no error in the page.
  const wav = await ensureSpeechWav();
  const executablePath = enginePath('chromium');
  if (!executablePath) throw new Error('Chromium not found (apt-get install chromium)');
  return chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
  });
}

/** One console line, from the page or one of its workers. */
export interface ConsoleLine {
  type: string;
  text: string;
  from: 'page' | 'worker';
}

/** Records console output of the page and of every worker it starts (workers log apart). */
export function recordConsole(page: Page): ConsoleLine[] {
  const lines: ConsoleLine[] = [];
  const push = (from: ConsoleLine['from']) => (m: ConsoleMessage) =>
    lines.push({ type: m.type(), text: m.text(), from });
  page.on('console', (m) => {
    // Worker messages are also reported on the page in recent Playwright: keep one copy.
    if (!m.worker()) push('page')(m);
  });
  page.on('worker', (w) => w.on('console', push('worker')));
  page.on('pageerror', (e) => lines.push({ type: 'pageerror', text: String(e), from: 'page' }));
  return lines;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
