/**
 * Hand-off gap benchmark (issue [B]): a real session from dist/ in headless Chromium, fake mic
 * playing deterministic noise, against the emulator on loopback. Scenarios: goAway hand-off (idle
 * and while the agent talks), server close 1011, TCP drop 1006. Per run: longest gap in audio
 * arrivals, audio lost / duplicated (found by locating every frame's content in the reference),
 * fault → first frame on the new connection, `resumed.gapMs`, tokens fetched, handle carried.
 * Run: node --import tsx bench/handoff.bench.ts   (JSON: bench/results/handoff.json)
 *      HANDOFF_RUNS=10 for more runs per scenario.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createEmulator } from '../src/emulator/index.ts';
import { Aligner } from './handoff/analysis.ts';
import { runOnce, type RunResult, type Scenario } from './handoff/run.ts';
import { serve } from './handoff/server.ts';
import { referencePcm, writeWav } from './handoff/signal.ts';
import { bundlePage, launchWithMic } from './support/chromium.ts';
import { pct } from './support/stats.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.HANDOFF_RUNS ?? 5);
const PLAN: [Scenario, number][] = [
  ['goaway', RUNS],
  ['goaway-speaking', Math.max(1, Math.ceil(RUNS / 2))],
  ['close-1011', RUNS],
  ['drop-1006', Math.max(1, Math.ceil(RUNS / 2))],
];
const EXPECT: Record<Scenario, string> = {
  goaway: 'no loss/dup; gap ≲ 1 frame (20 ms) + loopback',
  'goaway-speaking': 'as goAway; switch waits for the reply; 0 underruns',
  'close-1011': 'no loss (≤ 5 s buffered); gap ≈ reconnect time',
  'drop-1006': 'as 1011',
};

/** Builds dist/ when missing, then copies it: a parallel `npm run build` wipes dist/ first. */
function snapshotDist(out: string): string {
  if (!existsSync(join(root, 'dist/index.js'))) {
    console.log('dist/index.js missing: running npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const dist = join(out, 'dist');
  cpSync(join(root, 'dist'), dist, { recursive: true, filter: (p) => !p.includes('/types') });
  if (!existsSync(join(dist, 'live-agent.worker.js'))) throw new Error('dist/ is incomplete');
  return dist;
}

const r0 = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : '–');
const r1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '–');

function summarise(scenario: Scenario, runs: RunResult[]) {
  const pick = (k: keyof RunResult) => runs.map((r) => r[k] as number);
  const resumed = runs.map((r) => r.resumedGapMs ?? NaN);
  const reconnect = scenario.startsWith('close') || scenario.startsWith('drop');
  return {
    scenario,
    runs: runs.length,
    maxGapMs: { p50: pct(pick('maxGapMs'), 50), max: pct(pick('maxGapMs'), 100) },
    steadyGapMs: { p50: pct(pick('steadyGapMs'), 50), max: pct(pick('steadyGapMs'), 100) },
    lostMs: { p50: pct(pick('lostMs'), 50), max: pct(pick('lostMs'), 100) },
    duplicatedMs: { p50: pct(pick('duplicatedMs'), 50), max: pct(pick('duplicatedMs'), 100) },
    switchMs: { p50: pct(pick('switchMs'), 50), max: pct(pick('switchMs'), 100) },
    resumedGapMs: { p50: pct(resumed, 50), max: pct(resumed, 100) },
    tokensPerRun: runs.map((r) => r.tokenRequests),
    freshTokenAll: runs.every((r) => r.newToken && r.tokenRequests === 2),
    handleCarriedAll: runs.every((r) => r.handleCarried),
    reconnectAttempts: runs.map((r) => r.reconnectAttempts),
    backoffMs: runs.flatMap((r) => r.backoffMs),
    underruns: runs.map((r) => r.underruns),
    unmatchedFrames: runs.reduce((n, r) => n + r.unmatchedFrames, 0),
    otherJumps: runs.reduce((n, r) => n + r.discontinuities.filter((d) => !d.boundary).length, 0),
    otherLostMs: runs.reduce((n, r) => n + r.otherLostMs, 0),
    otherDuplicatedMs: runs.reduce((n, r) => n + r.otherDuplicatedMs, 0),
    afterServerClose: runs.map((r) => r.afterServerClose),
    expectation: EXPECT[scenario],
    reconnect,
  };
}

function printTable(rows: ReturnType<typeof summarise>[]): void {
  const head =
    '| scenario | runs | max gap ms p50/max | steady gap ms p50/max | lost audio ms p50/max | ' +
    'duplicated ms p50/max | hand-off/reconnect ms p50/max | resumed.gapMs p50/max | ' +
    'new token / handle | attempts (backoff ms) | underruns | capture jumps (Σ lost/dup ms) | ' +
    'expectation |';
  console.log(head);
  console.log(head.replace(/[^|]+/g, '---'));
  for (const s of rows) {
    const attempts = s.reconnect
      ? `${s.reconnectAttempts.join(',')} (${s.backoffMs.join(',')})`
      : s.reconnectAttempts.join(',');
    const cells = [
      s.scenario,
      String(s.runs),
      `${r0(s.maxGapMs.p50)} / ${r0(s.maxGapMs.max)}`,
      `${r0(s.steadyGapMs.p50)} / ${r0(s.steadyGapMs.max)}`,
      `${r1(s.lostMs.p50)} / ${r1(s.lostMs.max)}`,
      `${r1(s.duplicatedMs.p50)} / ${r1(s.duplicatedMs.max)}`,
      `${r0(s.switchMs.p50)} / ${r0(s.switchMs.max)}`,
      `${r0(s.resumedGapMs.p50)} / ${r0(s.resumedGapMs.max)}`,
      `${s.freshTokenAll ? 'yes' : 'NO'} / ${s.handleCarriedAll ? 'yes' : 'NO'}`,
      attempts,
      s.underruns.join(','),
      `${s.otherJumps} (${r1(s.otherLostMs)} / ${r1(s.otherDuplicatedMs)})`,
      s.expectation,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = mkdtempSync(join(tmpdir(), 'live-agent-handoff-bench-'));
  const emulator = await createEmulator({
    speech: 'tone',
    audio: { speed: 2, chunkMs: 40 },
    // VAD off (no frame is louder than 0 dBFS): the noise mic must not start user turns.
    vad: { thresholdDb: 0 },
  });
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Browser | undefined;
  const results: RunResult[] = [];
  const loads: number[] = [];
  try {
    const dist = snapshotDist(out);
    const pageDir = join(out, 'page');
    await bundlePage(pageDir, { page: join(root, 'bench/handoff/page.ts') }, 'page');
    const ref = referencePcm();
    const wav = join(out, 'noise-16k.wav');
    writeWav(wav, ref);
    server = await serve(pageDir, dist, () => emulator.createToken().name);
    browser = await launchWithMic(wav);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => typeof window.handoffBench === 'object');
    const ctx = { page, emulator, server, aligner: new Aligner(ref) };
    for (const [scenario, n] of PLAN) {
      for (let i = 0; i < n; i++) {
        const r = await runOnce(ctx, scenario).catch((e: Error) => {
          throw new Error(`${scenario} run ${i + 1}: ${e.message}\n${pageErrors.join('\n')}`);
        });
        loads.push(loadavg()[0]!);
        results.push(r);
        process.stdout.write(
          `${scenario} #${i + 1}: gap ${r0(r.maxGapMs)} ms, lost ${r1(r.lostMs)} ms, dup ` +
            `${r1(r.duplicatedMs)} ms, switch ${r0(r.switchMs)} ms, resumed.gapMs ` +
            `${r0(r.resumedGapMs ?? NaN)}, tokens ${r.tokenRequests}, handle ${r.handleCarried}` +
            `${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''}\n`,
        );
      }
    }
  } finally {
    await browser?.close();
    await server?.close();
    await emulator.close();
    rmSync(out, { recursive: true, force: true });
  }

  const summary = PLAN.map(([s]) =>
    summarise(
      s,
      results.filter((r) => r.scenario === s),
    ),
  );
  console.log(
    `\nHand-off gap, ${RUNS} runs (speaking/drop: ${PLAN[1]![1]}), Chromium fake mic (16 kHz ` +
      `noise, processing off), emulator on 127.0.0.1; goAway timeLeft 3 s; 20 ms mic frames.\n`,
  );
  printTable(summary);
  const load = `load average (1 min) during runs: ${r1(Math.min(...loads))}–${r1(Math.max(...loads))}`;
  console.log(`\n${load}; bench took ${r1((Date.now() - started) / 1000)} s`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/handoff.json'),
    JSON.stringify({ runsPerScenario: RUNS, loadAvg1: loads, summary, runs: results }, null, 2),
  );
}

await main();
