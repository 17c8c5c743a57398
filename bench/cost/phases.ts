/**
 * The cost bench's long phases: the heap of one variant over minutes (sampled after GC, with the
 * transcript turns the session holds), and one traced conversation per variant (COST_PROFILE).
 */
import { writeFileSync } from 'node:fs';
import type { Emulator } from '../../src/emulator/index.ts';
import {
  counts,
  heapAfterGc,
  metrics,
  r1,
  r2,
  sleep,
  WARM_UP_MS,
  withPage,
  type Variant,
} from './browser.ts';
import { censusDiff, heapCensus, type HeapCensus } from './heap-diff.ts';
import { mainThreadBreakdown, mainThreadTasks, startProfile, TRACE_CATEGORIES } from './profile.ts';

export interface HeapSample {
  atS: number;
  bytes: number;
  /** Transcript turns the session held (the conversation's own, allowed growth). */
  turns: number;
  /**
   * V8's own part of that heap, from a heap snapshot (at the first and the last sample only):
   * compiled code (bytecode, baseline, optimised), object shapes (hidden classes) and its
   * `system /` lists. It grows while the page's functions warm up, and is freed when they go
   * cold: the engine's, not the conversation's (the long run's census diff shows it is most of
   * both pages' growth).
   */
  engineBytes?: number;
}

/** Bytes of V8's own objects in a census (see {@link HeapSample.engineBytes}). */
function engineOf(c: HeapCensus): number {
  let bytes = 0;
  for (const [name, x] of c)
    if (name === 'code' || name === 'object shape' || name.includes('system /')) bytes += x.bytes;
  return bytes;
}

/**
 * How long the long run talks before its first heap sample. The session keeps a window of its
 * last 20 turns' latency figures (src/core/metrics.ts), and this conversation makes a turn
 * every 3 s, so that window fills during the first minute: measured from the usual warm-up,
 * its filling (a TurnMetrics object and its numbers per turn, about 0.1 KB each) counted as
 * growth, most of what the bare page gained beyond V8's own objects (the census diff shows
 * ~20 objects and ~120 heap numbers). A bounded buffer filling is not a leak: the heap is
 * sampled once it is full (and once the page's code has warmed up as well).
 */
export const HEAP_WARM_UP_MS = 65_000;

/** One variant for `seconds`, the heap after GC every `everyMs`, after HEAP_WARM_UP_MS. */
export async function heapPhase(
  url: string,
  wav: string,
  emulator: Emulator,
  variant: Variant,
  seconds: number,
  everyMs: number,
): Promise<HeapSample[]> {
  return withPage(url, wav, variant, emulator, async (page, cdp) => {
    await sleep(HEAP_WARM_UP_MS);
    const samples: HeapSample[] = [];
    const t0 = performance.now();
    let first: HeapCensus | undefined;
    for (;;) {
      const bytes = await heapAfterGc(cdp);
      const turns = await page.evaluate(() => window.costBench.turns());
      const sample: HeapSample = { atS: (performance.now() - t0) / 1000, bytes, turns };
      samples.push(sample);
      const last = performance.now() - t0 >= seconds * 1000;
      if (!first || last) {
        const census = await heapCensus(cdp);
        sample.engineBytes = engineOf(census);
        first ??= census;
        // COST_HEAP_DIFF=1: what the heap gained from the first sample to the last, by class.
        if (last && process.env.COST_HEAP_DIFF) printDiff(variant, first, census);
      }
      if (last) break;
      await sleep(everyMs);
    }
    await page.evaluate(() => window.costBench.stop());
    return samples;
  });
}

function printDiff(variant: Variant, a: HeapCensus, b: HeapCensus): void {
  console.log(`${variant}: heap gained from the first sample to the last (bytes, objects):`);
  for (const g of censusDiff(a, b))
    console.log(`  ${String(g.bytes).padStart(8)} ${String(g.count).padStart(6)}  ${g.name}`);
}

/** One conversation per variant under the V8 profiler: the main thread's top functions. */
export async function profilePhase(
  url: string,
  wav: string,
  emulator: Emulator,
  seconds: number,
): Promise<void> {
  for (const variant of ['element', 'bare'] as const) {
    await withPage(url, wav, variant, emulator, async (page, cdp) => {
      await sleep(WARM_UP_MS);
      const browser = page.context().browser()!;
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const v8 = process.env.COST_PROFILE === 'v8';
      const stop = v8 ? await startProfile(cdp) : null;
      const m0 = await metrics(cdp);
      const c0 = await counts(page);
      const mut0 = await page.evaluate(() => window.costBench.mutations());
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const took = (performance.now() - t0) / 1000;
      const c1 = await counts(page);
      const mut1 = await page.evaluate(() => window.costBench.mutations());
      const m1 = await metrics(cdp);
      const hot = (await stop?.(took)) ?? [];
      const trace = await browser.stopTracing();
      if (process.env.COST_TRACE_OUT)
        writeFileSync(`${process.env.COST_TRACE_OUT}-${variant}.json`, trace);
      await page.evaluate(() => window.costBench.stop());
      const d = (k: string) => (((m1[k] ?? 0) - (m0[k] ?? 0)) / took) * 1000;
      console.log(
        `\n${variant}: main ${r1(d('TaskDuration'))} ms/s, script ${r1(d('ScriptDuration'))} ms/s ` +
          `(tracing); messages/s ` +
          Object.keys(c1)
            .map((k) => `${k} ${r1(((c1[k] ?? 0) - (c0[k] ?? 0)) / took)}`)
            .join(', '),
      );
      const top = (f: (h: (typeof hot)[number]) => number, label: string) => {
        console.log(`  top by ${label} (ms/s):`);
        for (const h of [...hot].sort((a, b) => f(b) - f(a)).slice(0, 15))
          console.log(`    ${r2(f(h)).padStart(6)}  ${h.name}`);
      };
      if (v8) {
        top((h) => h.selfMs, 'self time');
        top((h) => h.totalMs, 'total time');
      }
      const mutated = Object.keys(mut1)
        .map((k) => [k, ((mut1[k] ?? 0) - (mut0[k] ?? 0)) / took] as const)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
      if (mutated.length)
        console.log(
          `  shadow DOM mutations/s: ${mutated.map(([k, n]) => `${k} ${r1(n)}`).join(', ')}`,
        );
      const t = mainThreadTasks(trace, took);
      console.log(
        `  main thread: ${r1(t.tasks)} tasks/s, wall ${r1(t.wallMs)} ms/s, CPU ${r1(t.cpuMs)} ms/s; ` +
          `${r1(t.frames)} frames/s, their CPU ${r1(t.frameCpuMs)} ms/s`,
      );
      console.log('  main thread trace events by self time (ms/s, count/s):');
      for (const e of mainThreadBreakdown(trace, took).slice(0, 40))
        console.log(`    ${r2(e.selfMs).padStart(6)}  ${r1(e.count).padStart(6)}  ${e.name}`);
    });
  }
}
