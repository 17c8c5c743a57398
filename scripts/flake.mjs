/**
 * `npm run flake -- --engine chromium|firefox|webkit --runs N [files…]`: runs the browser project
 * in one engine N times in a row and reports which tests failed in which run, so a flake shows up
 * as a rate instead of an anecdote. Each run writes its failures through
 * test/support/flake-reporter.ts to a temp file (Vitest's JSON reporter loses WebKit's error
 * messages). The summary (runs, failures per test with the first line of each error, flake rate =
 * runs with any failure / runs, load average) is printed and written to
 * bench/results/flake-ENGINE-TIME.json.
 * Same machine set-up as scripts/test.mjs: Debian browsers, Xvfb for WebKit. WebKit gets its own
 * WebKitWebDriver ports (a random pair) so a flake run never shares a driver with another run.
 *   --engine E    chromium (default), firefox or webkit
 *   --runs N      consecutive runs (default 10)
 *   --bail        stop after the first run with a failure
 *   files…        test files or filters passed to Vitest (default: the whole browser project)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const argv = process.argv.slice(2);
let engine = 'chromium';
let runs = 10;
let bail = false;
const files = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--engine') engine = argv[++i];
  else if (a.startsWith('--engine=')) engine = a.slice(9);
  else if (a === '--runs') runs = Number(argv[++i]);
  else if (a.startsWith('--runs=')) runs = Number(a.slice(7));
  else if (a === '--bail') bail = true;
  else files.push(a);
}
if (!['chromium', 'firefox', 'webkit'].includes(engine) || !(runs >= 1)) {
  console.error('usage: npm run flake -- --engine chromium|firefox|webkit --runs N [files…]');
  process.exit(2);
}

const env = { ...process.env, BROWSERS: engine };
if (engine === 'webkit' && !process.env.WEBKIT_DRIVER_PORT)
  // The suite's default driver port is fixed; a second run on the machine would share it.
  env.WEBKIT_DRIVER_PORT = String(20_000 + 2 * Math.floor(Math.random() * 10_000));
if (spawnSync('node', ['scripts/ensure-browsers.mjs'], { stdio: 'inherit', env }).status !== 0)
  process.exit(1);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One Vitest run; resolves with its failures read from the reporter's file. */
function runOnce(i, dir) {
  const out = join(dir, `run-${i}.json`);
  const args = ['vitest', 'run', '--project', 'browser', '--reporter=dot'];
  args.push('--reporter=./test/support/flake-reporter.ts', ...files);
  const [cmd, cmdArgs] =
    engine === 'webkit' && !process.env.DISPLAY
      ? ['xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', 'npx', ...args]]
      : ['npx', args];
  const t0 = Date.now();
  const loadBefore = load();
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', env: { ...env, FLAKE_REPORT: out } });
    child.on('exit', (code, signal) => {
      const run = { run: i, exit: code ?? signal, secs: (Date.now() - t0) / 1000 };
      Object.assign(run, { loadBefore, loadAfter: load(), passed: 0, failures: [] });
      try {
        Object.assign(run, JSON.parse(readFileSync(out, 'utf8')));
      } catch {
        run.failures.push({ test: '(no report)', error: `vitest exited ${run.exit}` });
      }
      if (run.exit !== 0 && run.failures.length === 0)
        run.failures.push({
          test: '(run)',
          error: `vitest exited ${run.exit} with no failed test`,
        });
      resolve(run);
    });
  });
}

mkdirSync('bench/results', { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = `bench/results/flake-${engine}-${stamp}.json`;

/** The summary so far; written after every run, so an interrupted loop keeps what it measured. */
function summarize(results) {
  const perTest = new Map();
  for (const r of results)
    for (const f of r.failures) {
      const entry = perTest.get(f.test) ?? { test: f.test, runs: [], errors: [] };
      entry.runs.push(r.run);
      entry.errors.push(f.error);
      perTest.set(f.test, entry);
    }
  const failedRuns = results.filter((r) => r.failures.length).length;
  const summary = {
    engine,
    files,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim(),
    runs: results.length,
    failedRuns,
    flakeRate: failedRuns / results.length,
    perTest: [...perTest.values()].sort((a, b) => b.runs.length - a.runs.length),
    results,
  };
  writeFileSync(file, JSON.stringify(summary, null, 2));
  return summary;
}

const dir = mkdtempSync(join(tmpdir(), 'live-agent-flake-'));
const results = [];
for (let i = 1; i <= runs; i++) {
  console.log(`\n=== flake run ${i}/${runs} (${engine}), load ${load()} ===`);
  const run = await runOnce(i, dir);
  results.push(run);
  summarize(results);
  const verdict = run.failures.length ? `${run.failures.length} failed` : 'clean';
  console.log(`=== run ${i}: ${run.passed} passed, ${verdict}, ${run.secs.toFixed(0)} s ===`);
  for (const f of run.failures) console.log(`  ✗ ${f.test}\n      ${f.error}`);
  if (bail && run.failures.length) break;
}
rmSync(dir, { recursive: true, force: true });
const summary = summarize(results);

console.log(`\nFlake summary (${engine}${files.length ? `, ${files.join(' ')}` : ''}):`);
for (const r of results)
  console.log(
    `  run ${String(r.run).padStart(2)}: ${r.failures.length ? `${r.failures.length} failed` : 'clean'}` +
      `, ${r.passed} passed, ${r.secs.toFixed(0)} s, load ${r.loadBefore} → ${r.loadAfter}`,
  );
for (const t of summary.perTest)
  console.log(`  ${t.runs.length}/${results.length} runs  ${t.test}\n      ${t.errors[0]}`);
const rate = `${summary.failedRuns}/${results.length} runs with a failure`;
console.log(`flake rate: ${rate} (${(100 * summary.flakeRate).toFixed(0)} %)`);
console.log(`written: ${file}`);
process.exit(summary.failedRuns ? 1 : 0);
