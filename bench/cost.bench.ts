/**
 * The CPU cost of a conversation: `<live-agent>` with its default UI (levels animating) against a
 * bare session page with no UI, same SDK, same worker, in headless Chromium against the emulator
 * (fake mic speech in a loop, the emulator answering each turn with tones). Interleaved runs, one
 * fresh browser each; per run over the window: CPU of the whole Chromium process tree from /proc
 * (per process and renderer thread), main-thread TaskDuration and layout + style from CDP
 * Performance.getMetrics, JS heap after GC, upload bytes/s at the emulator and messages/s across
 * each thread boundary. Then one long run per variant with the heap sampled after GC.
 * Run: npm run bench -- cost   (JSON: bench/results/cost.json)
 * Env: COST_RUNS (3 per variant), COST_SECONDS (30), COST_HEAP_SECONDS (120, sampled after a
 *      HEAP_WARM_UP_MS warm-up, see cost/phases.ts; 0 skips the phase),
 *      COST_THREADS=1 prints the renderer's thread names and CPU after the first run,
 *      COST_PROFILE=1 first traces one conversation per variant and prints the main thread's
 *      trace events (functions called, DOM events, frames) by self time; COST_PROFILE=v8 adds a
 *      V8 CPU profile's top functions (COST_RUNS=0 then skips the table); the profile also
 *      prints the element's shadow-DOM writes per second by kind and labels each task that runs
 *      no script by where it was posted from; COST_TRACE_OUT=/tmp/x keeps each variant's trace
 *      as /tmp/x-<variant>.json; COST_HEAP_DIFF=1 prints what the long run's heap gained, by
 *      class (two heap snapshots: the first sample and the last).
 *      COST_FF_RUNS (2 per variant) interleaved Firefox runs follow, same window and warm-up
 *      (cost/firefox.ts); COST_FIREFOX=0 skips them. Firefox gives the whole process tree's CPU
 *      from /proc, upload bytes/s and the page's message counters, but no main-thread busy time,
 *      layout + style, heap or trace: those come from CDP, which Firefox does not speak. Its
 *      microphone is the speech WAV looped in the page (its fake one is a steady tone).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../src/emulator/index.ts';
import { ensureSpeechWav } from '../test/support/fixtures.ts';
import {
  counts,
  countUpload,
  heapAfterGc,
  metrics,
  r1,
  r2,
  sleep,
  WARM_UP_MS,
  withPage,
  type Variant,
} from './cost/browser.ts';
import { HEAP_WARM_UP_MS, heapPhase, profilePhase, type HeapSample } from './cost/phases.ts';
import { countReplies, firefoxRound, firefoxRows, type FirefoxResult } from './cost/firefox.ts';
import { cpuKinds, printTable, spread, type Row } from './cost/table.ts';
import { diffCpu, rendererThreads, sampleCpu } from './cost/proc.ts';
import { enginePath } from '../test/support/engines.ts';
import { bundlePage } from './support/chromium.ts';
import { listenLoopback, sendFile } from './support/loopback-server.ts';
import { pct } from './support/stats.ts';
import type { BenchFigure } from '../scripts/readme-figures.ts';
import { writeFigures } from './support/figures.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.COST_RUNS ?? 3);
const SECONDS = Number(process.env.COST_SECONDS ?? 30);
const HEAP_SECONDS = Number(process.env.COST_HEAP_SECONDS ?? 120);
const HEAP_EVERY_MS = 20_000;
const FF_RUNS = process.env.COST_FIREFOX === '0' ? 0 : Number(process.env.COST_FF_RUNS ?? 2);
/**
 * What one transcript turn the session holds may cost the JS heap, KB: the frozen turn, its
 * text and id, and (the element) its caption row's wrappers. Measured about a quarter of this.
 */
const TURN_KB = 0.5;
/**
 * "Heap flat" (the issue's target): over the long run, the JS heap after GC may grow by no more
 * than this, KB a minute, beyond V8's own objects (compiled code and object shapes: the JIT
 * warming up, see HeapSample.engineBytes) and TURN_KB per turn the transcript gained (the
 * conversation's own record, bounded by MAX_TURNS).
 */
const FLAT_KB_PER_MIN = 5;

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

function table(results: RunResult[], ratios: number[], heap: Record<Variant, HeapSample[]>) {
  const of = (v: Variant) => results.filter((r) => r.variant === v);
  const el = of('element');
  const bare = of('bare');
  const rows: Row[] = [];
  const row = (metric: string, f: (r: RunResult) => number, target = '', fmt = r1) =>
    rows.push({ metric, element: spread(el.map(f), fmt), bare: spread(bare.map(f), fmt), target });
  const buckets = cpuKinds(results, el);
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
  const growth = (h: HeapSample[]) => {
    const first = h[0]!;
    const last = h[h.length - 1]!;
    const minutes = (last.atS - first.atS) / 60;
    const code = ((last.engineBytes ?? 0) - (first.engineBytes ?? 0)) / 1000;
    return {
      perMin: ((last.bytes - first.bytes) / 1000 / (last.atS - first.atS)) * 60,
      enginePerMin: code / minutes,
      turnsPerMin: (last.turns - first.turns) / minutes,
      flat: flatExcess(h),
      perTurn:
        last.turns > first.turns
          ? (last.bytes - first.bytes) / 1000 / (last.turns - first.turns)
          : NaN,
      series: h.map((x) => r2(x.bytes / 1e6)).join(' → '),
      turns: `${first.turns} → ${last.turns}`,
      seconds: last.atS,
    };
  };
  if (heap.element.length > 1 && heap.bare.length > 1) {
    const e = growth(heap.element);
    const b = growth(heap.bare);
    // The bare session asks for no transcription (the element does, and shows it): the element's
    // growth beyond the bare page's is its UI plus the transcript the session keeps (≤ 500 turns).
    const ui = e.perMin - b.perMin;
    rows.push(
      {
        metric: `heap over ${r1(e.seconds)} s after ${HEAP_WARM_UP_MS / 1000} s, MB`,
        element: e.series,
        bare: b.series,
        target: '',
      },
      { metric: '  transcript turns held', element: e.turns, bare: b.turns, target: '' },
      { metric: '  growth KB/min', element: r1(e.perMin), bare: r1(b.perMin), target: '' },
      { metric: '  growth KB per turn', element: r1(e.perTurn), bare: r1(b.perTurn), target: '' },
      {
        metric: '  of which V8 code and shapes KB/min',
        element: r1(e.enginePerMin),
        bare: r1(b.enginePerMin),
        target: '',
      },
      {
        metric: `  beyond those and ${TURN_KB} KB/turn, KB/min`,
        element: r1(e.flat),
        bare: r1(b.flat),
        target: `≤ ${FLAT_KB_PER_MIN} each (flat)`,
        pass: e.flat <= FLAT_KB_PER_MIN && b.flat <= FLAT_KB_PER_MIN,
      },
      {
        metric: '  element − bare (UI + transcript) KB/min',
        element: r1(ui),
        bare: '',
        target: '≤ 50 KB/min',
        pass: ui <= 50, // uiKbPerMin
      },
    );
  }
  return rows;
}

/**
 * JS heap growth over the long run, KB a minute, beyond V8's own objects and the transcript
 * turns gained (see FLAT_KB_PER_MIN).
 */
function flatExcess(h: HeapSample[]): number {
  const first = h[0]!;
  const last = h[h.length - 1]!;
  const minutes = (last.atS - first.atS) / 60;
  const code = (last.engineBytes ?? 0) - (first.engineBytes ?? 0);
  const kb = (last.bytes - first.bytes - code) / 1000;
  return kb / minutes - ((last.turns - first.turns) / minutes) * TURN_KB;
}

async function main(): Promise<void> {
  const started = performance.now();
  const out = mkdtempSync(join(tmpdir(), 'live-agent-cost-bench-'));
  // Tones: no espeak-ng process competing for the CPU mid-measurement. Default VAD: the looping
  // speech WAV (1.5 s speech, 1.5 s silence) makes a user turn every 3 s, each one answered.
  const emulator = await createEmulator({ port: 0, speech: 'tone' });
  const upload = countUpload(emulator);
  const replies = countReplies(emulator);
  const server = await listenLoopback((path, res) =>
    sendFile(res, out, path === '/' ? 'index.html' : path.slice(1)),
  );
  const results: RunResult[] = [];
  const heap: Record<Variant, HeapSample[]> = { element: [], bare: [] };
  let ff: { results: FirefoxResult[]; ratios: number[] } = { results: [], ratios: [] };
  try {
    const wav = await ensureSpeechWav();
    await bundlePage(
      out,
      {
        page: join(root, 'bench/cost/page.ts'),
        worker: join(root, 'bench/cost/worker.ts'),
        'live-agent-audio.worklet': join(root, 'worklets/audio.worklet.ts'),
      },
      'page',
    );
    if (process.env.COST_PROFILE) await profilePhase(server.url, wav, emulator, SECONDS);
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
    if (HEAP_SECONDS > 0)
      for (const v of ['element', 'bare'] as const)
        heap[v] = await heapPhase(server.url, wav, emulator, v, HEAP_SECONDS, HEAP_EVERY_MS);
    copyFileSync(wav, join(out, 'speech.wav')); // Firefox's microphone (cost/firefox.ts)
    if (RUNS > 0 && FF_RUNS > 0 && !enginePath('firefox'))
      console.log('firefox-esr not found (FIREFOX_PATH): no Firefox round');
    else if (RUNS > 0 && FF_RUNS > 0)
      ff = await firefoxRound(server.url, emulator, upload, replies, FF_RUNS, SECONDS);
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
  printTable(rows);
  const ffRows = firefoxRows(ff.results, ff.ratios);
  if (ff.results.length) {
    console.log(
      `\nFirefox: ${FF_RUNS}+${FF_RUNS} interleaved ${SECONDS} s conversations (fresh headless ` +
        `firefox-esr each, WebDriver BiDi; mic = the speech WAV looped in the page)\n`,
    );
    printTable(ffRows);
  }
  const seconds = r1((performance.now() - started) / 1000);
  console.log(`\nbench took ${seconds} s; load average (1 min) now ${r1(loadavg()[0]!)}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/cost.json'),
    JSON.stringify(
      {
        runs: RUNS,
        seconds: SECONDS,
        results,
        ratios,
        heap,
        rows,
        firefox: { runs: FF_RUNS, ...ff, rows: ffRows },
      },
      null,
      2,
    ),
  );
  writeFigures('cost', { ...readmeFigures(results, ratios, heap), ...firefoxFigures(ff) });
  const all = [...rows, ...ffRows];
  const errors = [...results, ...ff.results].some((r) => r.errors.length);
  if (all.some((r) => r.pass === false) || errors) process.exitCode = 1;
}

/**
 * The README's cost table (Benchmarks): medians with min and max of the runs. CPU and busy time
 * follow the machine's load, so their tolerance is wide; message rates barely move.
 */
function readmeFigures(
  results: RunResult[],
  ratios: number[],
  heap: Record<Variant, HeapSample[]>,
): Record<string, BenchFigure> {
  const figures: Record<string, BenchFigure> = {};
  const lower = (value: number, tolerance: number): BenchFigure => ({
    value,
    better: 'lower',
    tolerance,
  });
  const spreadOf = (key: string, xs: number[], tolerance: number) => {
    figures[key] = lower(pct(xs, 50), tolerance);
    figures[`${key}-min`] = lower(Math.min(...xs), tolerance);
    figures[`${key}-max`] = lower(Math.max(...xs), tolerance);
  };
  const el = results.filter((r) => r.variant === 'element');
  const bare = results.filter((r) => r.variant === 'bare');
  const cpu = (rs: RunResult[], k: string) => rs.map((r) => r.cpu[k] ?? 0);
  const msgs = (r: RunResult, ks: string[]) => ks.reduce((n, k) => n + (r.messagesPerS[k] ?? 0), 0);
  // Keys: 'cpu-element', 'cpu-bare', 'ratio', 'busy-element', 'busy-bare' (each with -min, -max).
  spreadOf('cpu-element', cpu(el, 'total'), 0.3);
  spreadOf('cpu-bare', cpu(bare, 'total'), 0.3);
  spreadOf('ratio', ratios, 0.15);
  // The load average (1 min) at the start of each run: context for the README, never a claim.
  spreadOf(
    'load',
    results.map((r) => r.load[0]),
    100,
  );
  spreadOf(
    'busy-element',
    el.map((r) => r.taskMs),
    0.3,
  );
  spreadOf(
    'busy-bare',
    bare.map((r) => r.taskMs),
    0.3,
  );
  const threads: Record<string, string> = {
    'el-renderer-main': 'renderer main',
    'el-compositor': 'compositor',
    'el-gpu': 'GPU process',
    'el-worker': 'worker',
    'el-audio': 'audio thread',
  };
  for (const [key, bucket] of Object.entries(threads))
    figures[key] = lower(pct(cpu(el, bucket), 50), 0.3);
  figures['layout-style-element'] = lower(
    pct(
      el.map((r) => r.layoutStyleMs),
      50,
    ),
    0.3,
  );
  figures['script-element'] = lower(
    pct(
      el.map((r) => r.scriptMs),
      50,
    ),
    0.3,
  );
  figures['recalcs-element'] = lower(
    pct(
      el.map((r) => r.recalcs),
      50,
    ),
    0.2,
  );
  const toMain = ['capture worklet→main', 'playback worklet→main'];
  figures['msgs-main'] = lower(
    pct(
      el.map((r) => msgs(r, toMain)),
      50,
    ),
    0.1,
  );
  figures['msgs-worker'] = lower(
    pct(
      el.map((r) => msgs(r, ['playback worklet→worker'])),
      50,
    ),
    0.1,
  );
  // Heap growth of the long run, KB a minute: 'heap-kb-a-minute' (element), 'heap-bare-kb-a-minute'.
  const heapKeys: [Variant, string][] = [
    ['element', 'heap-kb-a-minute'],
    ['bare', 'heap-bare-kb-a-minute'],
  ];
  for (const [variant, key] of heapKeys) {
    const h = heap[variant];
    if (h.length < 2) continue;
    const [first, last] = [h[0]!, h[h.length - 1]!];
    figures[key] = lower(((last.bytes - first.bytes) / 1000 / (last.atS - first.atS)) * 60, 0.5);
  }
  return figures;
}

/**
 * The Firefox round's README figures: whole-tree CPU per variant and their ratio per round, with
 * min and max; nothing when the round was skipped (the README then keeps its figures).
 */
function firefoxFigures(ff: {
  results: FirefoxResult[];
  ratios: number[];
}): Record<string, BenchFigure> {
  if (!ff.results.length) return {};
  const figures: Record<string, BenchFigure> = {};
  const spreadOf = (
    key: string,
    xs: number[],
    tolerance: number,
    better: BenchFigure['better'] = 'lower',
  ) => {
    const f = (value: number): BenchFigure => ({ value, better, tolerance });
    figures[key] = f(pct(xs, 50));
    figures[`${key}-min`] = f(Math.min(...xs));
    figures[`${key}-max`] = f(Math.max(...xs));
  };
  const cpu = (v: Variant) =>
    ff.results.filter((r) => r.variant === v).map((r) => r.cpu.total ?? 0);
  // Keys: 'ff-cpu-element', 'ff-cpu-bare', 'ff-ratio', 'ff-load', 'ff-upload' (each with -min,
  // -max).
  spreadOf('ff-cpu-element', cpu('element'), 0.3);
  spreadOf('ff-cpu-bare', cpu('bare'), 0.3);
  spreadOf('ff-ratio', ff.ratios, 0.15);
  // The load average (1 min) at the start of each run: context, never a claim.
  spreadOf(
    'ff-load',
    ff.results.map((r) => r.load[0]),
    100,
  );
  // Upload proves the fake microphone flows: more is the claim, so 'higher'.
  spreadOf(
    'ff-upload',
    ff.results.map((r) => r.uploadBytesPerS / 1000),
    0.1,
    'higher',
  );
  return figures;
}

await main();
