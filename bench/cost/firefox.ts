/**
 * The cost bench's Firefox round: Debian's firefox-esr driven by Playwright's `moz-firefox`
 * channel (WebDriver BiDi, the same launch as the browser tests), fake microphone from
 * FIREFOX_PREFS, the same page, emulator, variants, window and warm-up as the Chromium runs.
 * What carries over: CPU of the whole Firefox process tree from /proc (per process: the parent,
 * the web content process, the socket, RDD, GPU and utility processes), upload bytes/s at the
 * emulator and the page's own message counters (page JS, no CDP). What does not: main-thread
 * TaskDuration, layout + style, the JS heap after GC and the traces all come from CDP, which
 * Firefox does not speak, so they are printed "n/a". Firefox's fake microphone is a steady sine
 * tone with no file input (the emulator would hear one endless turn and never answer), so the
 * page's getUserMedia returns the speech WAV looped through a small AudioContext of its own
 * instead: a cost Chromium's runs do not have, the same in both variants. Replies/s at the
 * emulator are printed beside the CPU to show the conversation goes both ways.
 */
import { loadavg } from 'node:os';
import { firefox, type Page } from 'playwright-core';
import type { Emulator } from '../../src/emulator/index.ts';
import { enginePath, FIREFOX_PREFS } from '../../test/support/engines.ts';
import {
  counts,
  openBenchPage,
  r1,
  r2,
  sleep,
  startConversation,
  WARM_UP_MS,
  type Variant,
} from './browser.ts';
import { diffCpu, findChild, sampleCpu } from './proc.ts';
import { cpuKinds, spread, type Row } from './table.ts';

export interface FirefoxResult {
  variant: Variant;
  round: number;
  seconds: number;
  load: [number, number];
  /** CPU % of one core, per process kind (total = whole tree). */
  cpu: Record<string, number>;
  uploadBytesPerS: number;
  /** Model replies the emulator started, per second (proof the conversation goes both ways). */
  repliesPerS: number;
  messagesPerS: Record<string, number>;
  errors: string[];
}

/** Replies the emulator started, summed over every session. */
export function countReplies(emulator: Emulator): { replies: number } {
  const total = { replies: 0 };
  emulator.on('session', (s) => s.on('reply', () => total.replies++));
  return total;
}

async function withFirefoxPage<T>(
  url: string,
  variant: Variant,
  emulator: Emulator,
  body: (page: Page, pid: number) => Promise<T>,
): Promise<T> {
  const executablePath = enginePath('firefox');
  if (!executablePath) throw new Error('firefox-esr not found (FIREFOX_PATH)');
  const browser = await firefox.launch({
    channel: 'moz-firefox',
    executablePath,
    firefoxUserPrefs: FIREFOX_PREFS,
  });
  try {
    // Playwright spawns Firefox from this Node process; its content processes are the parent's
    // children (`-contentproc`), so the parent is the root of the tree to measure.
    const pid = findChild(
      process.pid,
      (cmd) => cmd.includes('firefox') && !cmd.includes('-contentproc'),
    );
    if (!pid) throw new Error('cannot find the Firefox process in /proc');
    const page = await browser.newPage();
    // Firefox's fake microphone is a steady tone: the emulator would hear one endless turn and
    // never answer. Loop the speech WAV instead, as Chromium's fake capture does (its own small
    // AudioContext: the same for both variants).
    await page.addInitScript(() => {
      const media = navigator.mediaDevices;
      const real = media.getUserMedia.bind(media);
      media.getUserMedia = async (c?: MediaStreamConstraints) => {
        if (!c?.audio) return real(c);
        const ctx = new AudioContext();
        const data = await (await fetch('/speech.wav')).arrayBuffer();
        const src = ctx.createBufferSource();
        src.buffer = await ctx.decodeAudioData(data);
        src.loop = true;
        const dest = ctx.createMediaStreamDestination();
        src.connect(dest);
        src.start();
        return dest.stream;
      };
    });
    const pageErrors = await openBenchPage(page, url);
    await startConversation(page, variant, emulator, pageErrors);
    return await body(page, pid);
  } finally {
    await browser.close();
  }
}

async function measure(
  url: string,
  variant: Variant,
  round: number,
  seconds: number,
  emulator: Emulator,
  upload: { bytes: number },
  replies: { replies: number },
): Promise<FirefoxResult> {
  return withFirefoxPage(url, variant, emulator, async (page, pid) => {
    await sleep(WARM_UP_MS);
    const load0 = loadavg()[0]!;
    const c0 = await counts(page);
    const bytes0 = upload.bytes;
    const replies0 = replies.replies;
    const cpu0 = sampleCpu(pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const cpu1 = sampleCpu(pid);
    const s = (performance.now() - t0) / 1000;
    const bytes1 = upload.bytes;
    const replies1 = replies.replies;
    const c1 = await counts(page);
    const load1 = loadavg()[0]!;
    const errors = await page.evaluate(() => window.costBench.stop());
    return {
      variant,
      round,
      seconds: s,
      load: [load0, load1],
      cpu: Object.fromEntries([...diffCpu(cpu0, cpu1)].map(([k, v]) => [k, (v / s) * 100])),
      uploadBytesPerS: (bytes1 - bytes0) / s,
      repliesPerS: (replies1 - replies0) / s,
      messagesPerS: Object.fromEntries(
        Object.keys(c1).map((k) => [k, ((c1[k] ?? 0) - (c0[k] ?? 0)) / s]),
      ),
      errors,
    };
  });
}

/** `runs` interleaved rounds of fresh Firefox per variant; element ÷ bare CPU per round. */
export async function firefoxRound(
  url: string,
  emulator: Emulator,
  upload: { bytes: number },
  replies: { replies: number },
  runs: number,
  seconds: number,
): Promise<{ results: FirefoxResult[]; ratios: number[] }> {
  const results: FirefoxResult[] = [];
  for (let round = 0; round < runs; round++) {
    const order: Variant[] = round % 2 ? ['bare', 'element'] : ['element', 'bare'];
    for (const v of order) {
      const r = await measure(url, v, round, seconds, emulator, upload, replies);
      console.log(
        `firefox round ${round + 1} ${v.padEnd(7)} CPU ${r1(r.cpu.total ?? 0)} %, ` +
          `upload ${r1(r.uploadBytesPerS / 1000)} KB/s, load ${r1(r.load[0])}→${r1(r.load[1])}` +
          (r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''),
      );
      results.push(r);
    }
  }
  const ratios = Array.from({ length: runs }, (_, round) => {
    const cpu = (v: Variant) =>
      results.find((r) => r.round === round && r.variant === v)?.cpu.total ?? NaN;
    return cpu('element') / cpu('bare');
  });
  return { results, ratios };
}

/** Below this the fake microphone is not flowing (16 kHz PCM in base64 JSON is about 43 KB/s). */
export const FF_MIN_UPLOAD_KB = 40;

/** The Firefox table: what /proc and the page can tell, and n/a for what only CDP could. */
export function firefoxRows(results: FirefoxResult[], ratios: number[]): Row[] {
  const el = results.filter((r) => r.variant === 'element');
  const bare = results.filter((r) => r.variant === 'bare');
  const rows: Row[] = [];
  const row = (metric: string, f: (r: FirefoxResult) => number, target = '', fmt = r1) =>
    rows.push({ metric, element: spread(el.map(f), fmt), bare: spread(bare.map(f), fmt), target });
  const na = (metric: string) =>
    rows.push({ metric, element: 'n/a (no CDP in Firefox)', bare: '', target: '' });
  row('CPU % of one core, whole tree', (r) => r.cpu.total ?? 0);
  const kinds = cpuKinds(results, el);
  for (const k of kinds) row(`  ${k}`, (r) => r.cpu[k] ?? 0);
  rows.push({
    metric: 'CPU element ÷ bare (same round)',
    element: spread(ratios, r2),
    bare: '1',
    target: '(report only)',
  });
  na('main thread busy, ms/s (TaskDuration)');
  na('layout + style, ms/s');
  na('JS heap after GC');
  const up = (r: FirefoxResult) => r.uploadBytesPerS / 1000;
  row('upload KB/s (at the emulator)', up, `> ${FF_MIN_UPLOAD_KB} (mic flows)`);
  rows[rows.length - 1]!.pass = results.every((r) => up(r) > FF_MIN_UPLOAD_KB);
  row('model replies/s (at the emulator)', (r) => r.repliesPerS, '', r2);
  const boundaries = [...new Set(results.flatMap((r) => Object.keys(r.messagesPerS)))].sort();
  for (const k of boundaries) row(`messages/s ${k}`, (r) => r.messagesPerS[k] ?? 0);
  row('load average (1 min), start', (r) => r.load[0]);
  return rows;
}
