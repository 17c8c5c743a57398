/**
 * The cost bench's browser plumbing: one fresh headless Chromium per conversation (fake mic
 * playing the speech WAV), the page started in one variant against the emulator, and the CDP
 * reads every phase uses (Performance metrics, heap after GC, the page's message counts).
 */
import { chromium, type CDPSession, type Page } from 'playwright-core';
import type { Emulator } from '../../src/emulator/index.ts';
import { CHROMIUM_ARGS, enginePath } from '../../test/support/engines.ts';
import type { Counts } from './counters.ts';
import { findProcess } from './proc.ts';

export type Variant = 'element' | 'bare';

/** Connect, first turns and cold code before the window opens. */
export const WARM_UP_MS = 5000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const r1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '–');
export const r2 = (x: number) =>
  Number.isFinite(x) ? (Math.round(x * 100) / 100).toString() : '–';

/** Loads the bench page and waits for its API; returns the page's errors, collected from now on. */
export async function openBenchPage(page: Page, url: string): Promise<string[]> {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.costBench === 'object');
  return pageErrors;
}

/** Starts the page's conversation with a fresh token; a failure carries the page's errors. */
export async function startConversation(
  page: Page,
  variant: Variant,
  emulator: Emulator,
  pageErrors: string[],
): Promise<void> {
  const token = emulator.createToken().name;
  await page
    .evaluate(([v, e, t]) => window.costBench.start(v, e, t), [
      variant,
      emulator.url,
      token,
    ] as const)
    .catch((e: Error) => {
      throw new Error(`${e.message}\n${pageErrors.join('\n')}`);
    });
}

/** Upload bytes the emulator received, summed over every session. */
export function countUpload(emulator: Emulator): { bytes: number } {
  const total = { bytes: 0 };
  emulator.on('session', (s) => s.on('message', (f) => (total.bytes += Buffer.byteLength(f.raw))));
  return total;
}

export async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

export const counts = (page: Page): Promise<Counts> =>
  page.evaluate(() => window.costBench.counts());

export async function withPage<T>(
  url: string,
  wav: string,
  variant: Variant,
  emulator: Emulator,
  body: (page: Page, cdp: CDPSession, pid: number) => Promise<T>,
): Promise<T> {
  const tag = `--live-agent-cost-bench=${process.pid}-${Math.random().toString(36).slice(2)}`;
  const browser = await chromium.launch({
    executablePath: enginePath('chromium'),
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`, tag],
  });
  try {
    const pid = findProcess(tag);
    if (!pid) throw new Error('cannot find the Chromium process in /proc');
    const page = await browser.newPage();
    const pageErrors = await openBenchPage(page, url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await startConversation(page, variant, emulator, pageErrors);
    return await body(page, cdp, pid);
  } finally {
    await browser.close();
  }
}
