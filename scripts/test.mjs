/**
 * `npm test`: machine set-up, typecheck, lint, build, then every Vitest project (unit, node,
 * package, browser in Chromium + Firefox + WebKit) in one run under Xvfb. Ends with per-engine
 * counts and a plain "N passed, N failed" line that CI reads.
 *   --only=browser | --only=unit,node   run a subset of projects (skips lint/build when possible)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const projects = only ?? ['unit', 'node', 'package', 'browser'];
const RESULTS = '.vitest-results.json';

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
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

// `browser*` also picks the WebKit-only autoplay-gating project when WebKit is in the run.
const selectors = projects.map((p) => (p === 'browser' ? 'browser*' : p));
const vitestArgs = ['vitest', 'run', ...selectors.flatMap((p) => ['--project', p])];
vitestArgs.push('--reporter=default', '--reporter=./test/support/count-reporter.ts');
const wantsWebKit = (process.env.BROWSERS ?? 'webkit').includes('webkit');
// WebKitGTK has no headless mode: give the whole run a virtual display.
const [cmd, args] =
  needsBrowsers && wantsWebKit && !process.env.DISPLAY
    ? ['xvfb-run', ['-a', '-s', '-screen 0 1280x800x24', 'npx', ...vitestArgs]]
    : ['npx', vitestArgs];
rmSync(RESULTS, { force: true });
const t0 = Date.now();
const vitest = spawnSync(cmd, args, { stdio: 'inherit' });
console.log(`vitest: ${((Date.now() - t0) / 1000).toFixed(1)} s`);

if (!existsSync(RESULTS)) {
  console.error('No Vitest results were written.');
  process.exit(vitest.status || 1);
}
const { total, unhandledErrors } = JSON.parse(readFileSync(RESULTS, 'utf8'));
if (total.passed + total.failed === 0) {
  console.error('No test ran.');
  process.exit(1);
}
const failed = total.failed + unhandledErrors;
console.log(
  `${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
);
process.exit(vitest.status || (failed ? 1 : 0));
