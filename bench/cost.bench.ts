/**
 * The CPU cost of a conversation: `<live-agent>` with its default UI (levels animating) against a
 * bare session page with no UI, same SDK, same worker, in headless Chromium against the emulator
 * (fake mic speech in a loop, the emulator answering each turn with tones). Interleaved runs, one
 * fresh browser each; per run over the window: CPU of the whole Chromium process tree from /proc
 * (per process and renderer thread), main-thread TaskDuration and layout + style from CDP
 * Performance.getMetrics, JS heap after GC, upload bytes/s at the emulator and messages/s across
 * each thread boundary. Then one long element run with the heap sampled after GC.
 * Run: npm run bench -- cost   (JSON: bench/results/cost.json)
 * Env: COST_RUNS (3 per variant), COST_SECONDS (30), COST_HEAP_SECONDS (120; 0 skips the phase),
 *      COST_THREADS=1 prints the renderer's thread names and CPU after the first run,
 *      COST_PROFILE=1 first profiles one conversation per variant (V8 CPU profile, main thread)
 *      and prints its top functions by self and total time (COST_RUNS=0 then skips the table).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { createEmulator, type Emulator } from '../src/emulator/index.ts';
import { CHROMIUM_ARGS, enginePath } from '../test/support/engines.ts';
import { ensureSpeechWav } from '../test/support/fixtures.ts';
import { mainThreadBreakdown, startProfile, TRACE_CATEGORIES } from './cost/profile.ts';
import { diffCpu, findProcess, rendererThreads, sampleCpu } from './cost/proc.ts';
import type { Counts } from './cost/counters.ts';
import { bundlePage } from './support/chromium.ts';
import { listenLoopback, sendFile } from './support/loopback-server.ts';
import { pct } from './support/stats.ts';

type Variant = 'element' | 'bare';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.COST_RUNS ?? 3);
const SECONDS = Number(process.env.COST_SECONDS ?? 30);
const HEAP_SECONDS = Number(process.env.COST_HEAP_SECONDS ?? 120);
/** Connect, first turns and cold code before the window opens. */
const WARM_UP_MS = 5000;
const HEAP_EVERY_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '–');
const r2 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 100) / 100).toString() : '–');

interface RunResult {
  variant: Variant;
  round: number;
  seconds: number;
  load: [number, number];
  /** CPU % of one core, per bucket (total = whole tree). */
  cpu: Record<string, number>;
  /** Main thread, ms per second. */
  taskMs: number;
  scriptMs: number;
  layoutStyleMs: number;
  /** Style recalcs and layouts per second. */
  recalcs: number;
  layouts: number;
  heapBefore: number;
  heapAfter: number;
  uploadBytesPerS: number;
  messagesPerS: Record<string, number>;
  errors: string[];
}

/** Upload bytes the emulator received, summed over every session. */
function countUpload(emulator: Emulator): { bytes: number } {
  const total = { bytes: 0 };
  emulator.on('session', (s) => s.on('message', (f) => (total.bytes += Buffer.byteLength(f.raw))));
  return total;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

const counts = (page: Page): Promise<Counts> => page.evaluate(() => window.costBench.counts());

async function withPage<T>(
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
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => typeof window.costBench === 'object');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
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
    return await body(page, cdp, pid);
  } finally {
    await browser.close();
  }
}

async function measure(
  url: string,
  wav: string,
  variant: Variant,
  round: number,
  emulator: Emulator,
  upload: { bytes: number },
): Promise<RunResult> {
  return withPage(url, wav, variant, emulator, async (page, cdp, pid) => {
    await sleep(WARM_UP_MS);
    const heapBefore = await heapAfterGc(cdp);
    const load0 = loadavg()[0]!;
    const c0 = await counts(page);
    const m0 = await metrics(cdp);
    const bytes0 = upload.bytes;
    const cpu0 = sampleCpu(pid);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const cpu1 = sampleCpu(pid);
    const seconds = (performance.now() - t0) / 1000;
    const bytes1 = upload.bytes;
    const m1 = await metrics(cdp);
    const c1 = await counts(page);
    const load1 = loadavg()[0]!;
    if (process.env.COST_THREADS && round === 0) {
      const threads = rendererThreads(pid).filter((t) => t.cpu > 0.05);
      console.log(
        `${variant} renderer threads:`,
        threads.map((t) => `${t.comm} ${r2(t.cpu)} s`),
      );
    }
    const heapAfter = await heapAfterGc(cdp);
    const errors = await page.evaluate(() => window.costBench.stop());
    const d = (k: string) => ((m1[k] ?? 0) - (m0[k] ?? 0)) / seconds;
    const cpu = diffCpu(cpu0, cpu1);
    return {
      variant,
      round,
      seconds,
      load: [load0, load1],
      cpu: Object.fromEntries([...cpu].map(([k, v]) => [k, (v / seconds) * 100])),
      taskMs: d('TaskDuration') * 1000,
      scriptMs: d('ScriptDuration') * 1000,
      layoutStyleMs: (d('LayoutDuration') + d('RecalcStyleDuration')) * 1000,
      recalcs: d('RecalcStyleCount'),
      layouts: d('LayoutCount'),
      heapBefore,
      heapAfter,
      uploadBytesPerS: (bytes1 - bytes0) / seconds,
      messagesPerS: Object.fromEntries(
        Object.keys(c1).map((k) => [k, ((c1[k] ?? 0) - (c0[k] ?? 0)) / seconds]),
      ),
      errors,
    };
  });
}

/** The element page for HEAP_SECONDS, the heap after GC every HEAP_EVERY_MS. */
async function heapPhase(
  url: string,
  wav: string,
  emulator: Emulator,
): Promise<{ atS: number; bytes: number }[]> {
  return withPage(url, wav, 'element', emulator, async (page, cdp) => {
    await sleep(WARM_UP_MS);
    const samples: { atS: number; bytes: number }[] = [];
    const t0 = performance.now();
    for (;;) {
      samples.push({ atS: (performance.now() - t0) / 1000, bytes: await heapAfterGc(cdp) });
      if (performance.now() - t0 >= HEAP_SECONDS * 1000) break;
      await sleep(HEAP_EVERY_MS);
    }
    await page.evaluate(() => window.costBench.stop());
    return samples;
  });
}

/** One conversation per variant under the V8 profiler: the main thread's top functions. */
async function profilePhase(url: string, wav: string, emulator: Emulator): Promise<void> {
  for (const variant of ['element', 'bare'] as const) {
    await withPage(url, wav, variant, emulator, async (page, cdp) => {
      await sleep(WARM_UP_MS);
      const browser = page.context().browser()!;
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const stop = await startProfile(cdp);
      const m0 = await metrics(cdp);
      const c0 = await counts(page);
      const t0 = performance.now();
      await sleep(SECONDS * 1000);
      const seconds = (performance.now() - t0) / 1000;
      const c1 = await counts(page);
      const m1 = await metrics(cdp);
      const hot = await stop(seconds);
      const trace = await browser.stopTracing();
      await page.evaluate(() => window.costBench.stop());
      const d = (k: string) => (((m1[k] ?? 0) - (m0[k] ?? 0)) / seconds) * 1000;
      console.log(
        `\n${variant}: main ${r1(d('TaskDuration'))} ms/s, script ${r1(d('ScriptDuration'))} ms/s ` +
          `(profiler on); messages/s ` +
          Object.keys(c1)
            .map((k) => `${k} ${r1(((c1[k] ?? 0) - (c0[k] ?? 0)) / seconds)}`)
            .join(', '),
      );
      const top = (f: (h: (typeof hot)[number]) => number, label: string) => {
        console.log(`  top by ${label} (ms/s):`);
        for (const h of [...hot].sort((a, b) => f(b) - f(a)).slice(0, 15))
          console.log(`    ${r2(f(h)).padStart(6)}  ${h.name}`);
      };
      top((h) => h.selfMs, 'self time');
      top((h) => h.totalMs, 'total time');
      console.log('  main thread trace events by self time (ms/s, count/s):');
      for (const e of mainThreadBreakdown(trace, seconds).slice(0, 15))
        console.log(`    ${r2(e.selfMs).padStart(6)}  ${r1(e.count).padStart(6)}  ${e.name}`);
    });
  }
}

/** `median [min–max]`. */
function spread(xs: number[], f = r1): string {
  return `${f(pct(xs, 50))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

function table(results: RunResult[], ratios: number[], heap: { atS: number; bytes: number }[]) {
  const of = (v: Variant) => results.filter((r) => r.variant === v);
  const el = of('element');
  const bare = of('bare');
  const rows: { metric: string; element: string; bare: string; target: string; pass?: boolean }[] =
    [];
  const row = (metric: string, f: (r: RunResult) => number, target = '', fmt = r1) =>
    rows.push({ metric, element: spread(el.map(f), fmt), bare: spread(bare.map(f), fmt), target });
  const buckets = [...new Set(results.flatMap((r) => Object.keys(r.cpu)))]
    .filter((k) => k !== 'total')
    .sort(
      (a, b) =>
        pct(
          el.map((r) => r.cpu[b] ?? 0),
          50,
        ) -
        pct(
          el.map((r) => r.cpu[a] ?? 0),
          50,
        ),
    );
  row('CPU % of one core, whole tree', (r) => r.cpu.total ?? 0);
  for (const k of buckets) row(`  ${k}`, (r) => r.cpu[k] ?? 0);
  const ratio = pct(ratios, 50);
  rows.push({
    metric: 'CPU element ÷ bare (same round)',
    element: spread(ratios, r2),
    bare: '1',
    target: '≤ 1.15',
    pass: ratio <= 1.15,
  });
  const busy = pct(
    el.map((r) => r.taskMs),
    50,
  );
  row('main thread busy, ms/s (TaskDuration)', (r) => r.taskMs);
  rows[rows.length - 1]!.target = '≤ 10 (element)';
  rows[rows.length - 1]!.pass = busy <= 10;
  row('  script, ms/s', (r) => r.scriptMs);
  row('  layout + style, ms/s', (r) => r.layoutStyleMs);
  row('  style recalcs / layouts per s', (r) => r.recalcs);
  row('  layouts per s', (r) => r.layouts);
  row('JS heap after GC, start of window MB', (r) => r.heapBefore / 1e6, '', r2);
  row('JS heap after GC, end of window MB', (r) => r.heapAfter / 1e6, '', r2);
  row('upload KB/s (at the emulator)', (r) => r.uploadBytesPerS / 1000);
  const boundaries = [...new Set(results.flatMap((r) => Object.keys(r.messagesPerS)))].sort();
  for (const k of boundaries) row(`messages/s ${k}`, (r) => r.messagesPerS[k] ?? 0);
  row('load average (1 min), start', (r) => r.load[0]);
  if (heap.length > 1) {
    const first = heap[0]!;
    const last = heap[heap.length - 1]!;
    const growthKbPerMin = ((last.bytes - first.bytes) / 1000 / (last.atS - first.atS)) * 60;
    rows.push({
      metric: `heap over ${r1(last.atS)} s (element), MB`,
      element: heap.map((h) => r2(h.bytes / 1e6)).join(' → '),
      bare: '',
      target: '≤ 50 KB/min',
      pass: growthKbPerMin <= 50,
    });
    rows.push({ metric: '  growth KB/min', element: r1(growthKbPerMin), bare: '', target: '' });
  }
  return rows;
}

async function main(): Promise<void> {
  const started = performance.now();
  const out = mkdtempSync(join(tmpdir(), 'live-agent-cost-bench-'));
  // Tones: no espeak-ng process competing for the CPU mid-measurement. Default VAD: the looping
  // speech WAV (1.5 s speech, 1.5 s silence) makes a user turn every 3 s, each one answered.
  const emulator = await createEmulator({ port: 0, speech: 'tone' });
  const upload = countUpload(emulator);
  const server = await listenLoopback((path, res) =>
    sendFile(res, out, path === '/' ? 'index.html' : path.slice(1)),
  );
  const results: RunResult[] = [];
  let heap: { atS: number; bytes: number }[] = [];
  try {
    const wav = await ensureSpeechWav();
    await bundlePage(
      out,
      {
        page: join(root, 'bench/cost/page.ts'),
        worker: join(root, 'bench/cost/worker.ts'),
        'live-agent-capture.worklet': join(root, 'worklets/capture.worklet.ts'),
        'live-agent-playback.worklet': join(root, 'worklets/playback.worklet.ts'),
      },
      'page',
    );
    if (process.env.COST_PROFILE) await profilePhase(server.url, wav, emulator);
    for (let round = 0; round < RUNS; round++) {
      // Interleaved, alternating which goes first, so drifting load hits both alike.
      const order: Variant[] = round % 2 ? ['bare', 'element'] : ['element', 'bare'];
      for (const v of order) {
        const r = await measure(server.url, wav, v, round, emulator, upload);
        console.log(
          `round ${round + 1} ${v.padEnd(7)} CPU ${r1(r.cpu.total ?? 0)} %, main ${r1(r.taskMs)} ms/s, ` +
            `load ${r1(r.load[0])}→${r1(r.load[1])}${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''}`,
        );
        results.push(r);
      }
    }
    if (HEAP_SECONDS > 0) heap = await heapPhase(server.url, wav, emulator);
  } finally {
    await server.close();
    await emulator.close();
    rmSync(out, { recursive: true, force: true });
  }

  if (RUNS === 0) return;
  const ratios = Array.from({ length: RUNS }, (_, round) => {
    const cpu = (v: Variant) =>
      results.find((r) => r.round === round && r.variant === v)?.cpu.total ?? NaN;
    return cpu('element') / cpu('bare');
  });
  const rows = table(results, ratios, heap);
  console.log(
    `\n${RUNS}+${RUNS} interleaved ${SECONDS} s conversations (fresh headless Chromium each; ` +
      `median [min–max]); ${SECONDS}s window after ${WARM_UP_MS / 1000} s warm-up\n`,
  );
  const w = [42, 26, 26, 16];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' ');
  console.log(line(['metric', 'element (default UI)', 'bare session', 'target', 'result']));
  for (const r of rows)
    console.log(
      line([
        r.metric,
        r.element,
        r.bare,
        r.target,
        r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL',
      ]),
    );
  const seconds = r1((performance.now() - started) / 1000);
  console.log(`\nbench took ${seconds} s; load average (1 min) now ${r1(loadavg()[0]!)}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/cost.json'),
    JSON.stringify({ runs: RUNS, seconds: SECONDS, results, ratios, heap, rows }, null, 2),
  );
  if (rows.some((r) => r.pass === false) || results.some((r) => r.errors.length))
    process.exitCode = 1;
}

await main();
