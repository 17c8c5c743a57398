/**
 * `npm test`: machine set-up, typecheck, lint, build, then the Vitest projects in phases (unit +
 * node, package, browser in Chromium + Firefox + WebKit, then WebKit's autoplay-gating project)
 * so that the real-time audio tests compete with less for this machine's 2 cores. Inside the
 * browser phase Chromium and Firefox run side by side (one file each at a time) and WebKit after
 * them (its WebDriver provider runs alone); audio tests follow the audio clock, not wall time. Ends
 * with per-engine counts and a plain "N passed, N failed" line that CI reads. After unit + node comes
 * the Python phase (scripts/test-python.mjs: venv with pinned packages, pytest, its counts added).
 *   --only=browser | --only=unit,node | --only=python   run a subset (skips typecheck/lint)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { runPythonPhase } from './test-python.mjs';

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const projects = only ?? ['unit', 'node', 'python', 'package', 'browser'];
const wantsWebKit = (process.env.BROWSERS ?? 'webkit').includes('webkit');

function run(cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (${secs} s)`);
    process.exit(r.status ?? 1);
  }
  console.log(`✓ ${[cmd, ...args].join(' ')} (${secs} s)`);
}

const needsBrowsers = projects.includes('browser') || projects.includes('package');
if (needsBrowsers) run('node', ['scripts/ensure-browsers.mjs']);
if (!only) {
  run('npm', ['run', '--silent', 'typecheck']);
  run('npm', ['run', '--silent', 'lint']);
}
if (projects.includes('package')) run('npm', ['run', '--silent', 'build']);

const phases = [
  projects.filter((p) => p === 'unit' || p === 'node'),
  projects.filter((p) => p === 'python'),
  projects.filter((p) => p === 'package'),
  projects.filter((p) => p === 'browser'),
  projects.includes('browser') && wantsWebKit ? ['browser-gating'] : [],
].filter((phase) => phase.length > 0);

const totals = { passed: 0, failed: 0, skipped: 0 };
const perProject = {};
let status = 0;
for (const [i, phase] of phases.entries()) {
  if (phase[0] === 'python') {
    const counts = runPythonPhase();
    for (const k of Object.keys(totals)) totals[k] += counts[k];
    perProject['python (pytest)'] = counts;
    status ||= counts.status;
    continue;
  }
  const countsFile = `.vitest-results-${i}.json`;
  rmSync(countsFile, { force: true });
  const args = ['vitest', 'run', ...phase.flatMap((p) => ['--project', p])];
  args.push('--reporter=default', '--reporter=./test/support/count-reporter.ts');
  const browser = phase.some((p) => p.startsWith('browser')) || phase.includes('package');
  // WebKitGTK has no headless mode: give browser phases a virtual display.
  const [cmd, cmdArgs] =
    browser && wantsWebKit && !process.env.DISPLAY
      ? ['xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', 'npx', ...args]]
      : ['npx', args];
  const t0 = Date.now();
  const r = spawnSync(cmd, cmdArgs, {
    stdio: 'inherit',
    env: { ...process.env, VITEST_COUNTS_FILE: countsFile },
  });
  console.log(`vitest ${phase.join(' + ')}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (!existsSync(countsFile)) {
    console.error(`No Vitest results were written for ${phase.join(', ')}.`);
    status ||= r.status || 1;
    totals.failed++;
    continue;
  }
  const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  rmSync(countsFile, { force: true });
  for (const k of Object.keys(totals)) totals[k] += counts.total[k];
  totals.failed += counts.unhandledErrors;
  Object.assign(perProject, counts.perProject);
  status ||= r.status ?? 1;
}

console.log('\nTests per project / engine:');
for (const [key, c] of Object.entries(perProject).sort())
  console.log(`  ${key.padEnd(24)} ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
if (totals.passed + totals.failed === 0) {
  console.error('No test ran.');
  process.exit(1);
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(status || (totals.failed ? 1 : 0));
