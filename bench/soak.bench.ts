/**
 * Soak and backpressure benchmark (issue [H]). Runs the two browser tests at full length and
 * collects the figures they print:
 *   soak          test/browser/soak.test.ts with VITE_SOAK_SECONDS=90 (60 simulated minutes at
 *                 1.5 s each: hand-offs, 1006 drops, 1011 mid-reply, slow / 500 / hanging token
 *                 endpoint, network stalls), a numbered microphone, leak counts at the end;
 *   backpressure  test/browser/backpressure.test.ts: the emulator stops reading its TCP socket,
 *                 then reads again (congestion onset, video dropped, audio held/dropped, recovery).
 * Run: npm run bench -- soak   (JSON: bench/results/soak.json)
 *      SOAK_SECONDS=… for another length, SOAK_BROWSERS=chromium,firefox for more engines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BenchFigure } from '../scripts/readme-figures.ts';
import { writeFigures } from './support/figures.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 90);
const ENGINES = (process.env.SOAK_BROWSERS ?? 'chromium').split(',').map((e) => e.trim());

type Figures = Record<string, unknown>;

/** Runs one browser test file in one engine; returns the JSON its `TAG {…}` line printed. */
function run(engine: string, file: string, tag: string, env: Record<string, string> = {}) {
  const args = ['vitest', 'run', '--project', `browser (${engine})`, file];
  const cmd = engine === 'webkit' ? 'xvfb-run' : 'npx';
  const r = spawnSync(cmd, engine === 'webkit' ? ['-a', 'npx', ...args] : args, {
    env: { ...process.env, BROWSERS: engine, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const line = out.split('\n').find((l) => l.includes(`${tag} {`));
  const figures = line ? (JSON.parse(line.slice(line.indexOf('{'))) as Figures) : undefined;
  const passed = r.status === 0;
  if (!passed) console.log(out.split('\n').slice(-40).join('\n'));
  return { passed, figures };
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const results: Record<string, unknown>[] = [];
for (const engine of ENGINES) {
  const loadBefore = load();
  console.log(`soak: ${engine}, ${SECONDS} s …`);
  const soak = run(engine, 'test/browser/soak.test.ts', 'SOAK_RESULT', {
    VITE_SOAK_SECONDS: String(SECONDS),
  });
  console.log(`backpressure: ${engine} …`);
  const bp =
    engine === 'webkit'
      ? { passed: true, figures: { skipped: 'WebKitGTK does not expose a slow link' } }
      : run(engine, 'test/browser/backpressure.test.ts', 'BACKPRESSURE_RESULT');
  results.push({ engine, loadBefore, loadAfter: load(), soak, backpressure: bp });
}

const rows: [string, string, (f: Figures) => unknown][] = [
  ['faults injected', '—', (f) => `${String(f.faults)} ${JSON.stringify(f.byFault)}`],
  ['connections / goAways', '—', (f) => `${String(f.connections)} / ${String(f.goaways)}`],
  ['hand-offs done', '≥ 1', (f) => f.handoffs],
  ['reconnects done', '≥ 1 per drop', (f) => f.reconnects],
  ['mic frames produced (20 ms)', '—', (f) => f.framesProduced],
  ['lost (never received)', '—', (f) => f.lostFrames],
  ['dropped by a stated bound (reported)', '—', (f) => f.droppedByBoundFrames],
  ['audio lost beyond the bounds', '0 ms', (f) => `${String(f.lostBeyondBoundMs)} ms`],
  ['duplicated frames (100 ms resend)', '≈ 5 per abrupt close', (f) => f.duplicatedFrames],
  [
    'JS heap growth (main thread)',
    'flat',
    (f) => (f.heapGrowthMB === null ? 'n/a' : `${String(f.heapGrowthMB)} MB`),
  ],
  [
    'tracks / contexts / workers / ports left',
    '0 / 0 / 0 / 0',
    (f) => [f.tracksLeft, f.contextsLeft, f.workersLeft, f.portsLeft].join(' / '),
  ],
  ['final status', 'connected', (f) => f.finalStatus],
];
const bpRows: [string, string, (f: Figures) => unknown][] = [
  [
    'stall → lasting congestion',
    '—',
    (f) =>
      `${String(f.congestedAfterStallMs)} ms (${String(f.shortCongestionsBefore)} short spikes first)`,
  ],
  [
    'video sent / dropped while congested',
    '0 / > 0',
    (f) => `${String(f.videoSentWhileCongested)} / ${String(f.videoDroppedWhileCongested)}`,
  ],
  ['audio held (peak)', '≤ 1000 ms', (f) => `${String(f.audioHeldPeakMs)} ms`],
  [
    'audio dropped, oldest first',
    'congested time − 1 s',
    (f) => `${String(f.audioDroppedMs)} ms of ${String(f.congestedForMs)} ms`,
  ],
  ['link resumes → congestion clears', '< 1 s', (f) => `${String(f.recoveryMs)} ms`],
  [
    'JS heap growth (main thread)',
    'flat',
    (f) => (f.heapGrowthMB === null ? 'n/a' : `${String(f.heapGrowthMB)} MB`),
  ],
];

for (const r of results) {
  const soak = r.soak as { passed: boolean; figures?: Figures };
  const bp = r.backpressure as { passed: boolean; figures?: Figures };
  console.log(
    `\n${String(r.engine)} (load average ${String(r.loadBefore)} → ${String(r.loadAfter)}; 2 shared cores)`,
  );
  console.log(
    `| Soak, ${SECONDS} s (test ${soak.passed ? 'passed' : 'FAILED'}) | Target | Measured |`,
  );
  console.log('|---|---|---|');
  for (const [name, target, pick] of rows)
    console.log(`| ${name} | ${target} | ${soak.figures ? String(pick(soak.figures)) : '–'} |`);
  console.log(`\n| Backpressure (test ${bp.passed ? 'passed' : 'FAILED'}) | Target | Measured |`);
  console.log('|---|---|---|');
  if (bp.figures && 'skipped' in bp.figures) console.log(`| ${String(bp.figures.skipped)} | | |`);
  else
    for (const [name, target, pick] of bpRows)
      console.log(`| ${name} | ${target} | ${bp.figures ? String(pick(bp.figures)) : '–'} |`);
}

/**
 * The README's soak and backpressure tables, per engine run: `ENGINE-KEY` (e.g.
 * 'chromium-connections'), KEY one of the figures below, and 'load' (the 1-minute load average
 * at the end of the run). Counts of a seeded schedule barely move (tight); timings and the heap
 * follow the machine's load (wide).
 */
function readmeFigures(): Record<string, BenchFigure> {
  const figures: Record<string, BenchFigure> = {
    load: { value: loadavg()[0]!, better: 'lower', tolerance: 100 },
  };
  const num = (f: Figures | undefined, k: string) =>
    typeof f?.[k] === 'number' ? (f[k] as number) : undefined;
  for (const r of results) {
    const put = (
      key: string,
      value: number | undefined,
      better: BenchFigure['better'],
      tol: number,
    ) => {
      if (value !== undefined)
        figures[`${String(r.engine)}-${key}`] = { value, better, tolerance: tol };
    };
    const soak = (r.soak as { figures?: Figures }).figures;
    const bp = (r.backpressure as { figures?: Figures }).figures;
    put('faults', num(soak, 'faults'), 'higher', 0.2);
    put('connections', num(soak, 'connections'), 'higher', 0.2);
    put('goaways', num(soak, 'goaways'), 'higher', 0.2);
    put('handoffs', num(soak, 'handoffs'), 'higher', 0.3);
    put('reconnects', num(soak, 'reconnects'), 'higher', 0.3);
    put('frames', num(soak, 'framesProduced'), 'higher', 0.1);
    put('duplicated', num(soak, 'duplicatedFrames'), 'lower', 0.5);
    put('heap-mb', num(soak, 'heapGrowthMB'), 'lower', 2);
    put('bp-congested-after-ms', num(bp, 'congestedAfterStallMs'), 'lower', 1);
    put('bp-video-dropped', num(bp, 'videoDroppedWhileCongested'), 'higher', 1);
    put('bp-held-peak-ms', num(bp, 'audioHeldPeakMs'), 'lower', 0.1);
    put('bp-dropped-ms', num(bp, 'audioDroppedMs'), 'lower', 0.5);
    put('bp-congested-ms', num(bp, 'congestedForMs'), 'lower', 0.5);
    put('bp-recovery-ms', num(bp, 'recoveryMs'), 'lower', 3);
    put('bp-heap-mb', num(bp, 'heapGrowthMB'), 'lower', 3);
  }
  return figures;
}

// The README's figures are of the full-length run: a shorter one would read as a regression.
if (!process.env.SOAK_SECONDS) writeFigures('soak', readmeFigures());
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/soak.json', JSON.stringify({ seconds: SECONDS, results }, null, 2));
console.log('\nJSON: bench/results/soak.json');
const failed = results.some(
  (r) => !(r.soak as { passed: boolean }).passed || !(r.backpressure as { passed: boolean }).passed,
);
process.exit(failed ? 1 : 0);
