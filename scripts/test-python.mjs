/**
 * The Python phase of `npm test`: the `live_agent_server` package (python/) and its pytest suite.
 * Creates python/.venv when missing and installs the exact pins of python/requirements-ci.txt from
 * PyPI (again only when the pins or pyproject.toml change: a stamp file remembers them), type-checks
 * the package (mypy --strict), runs pytest with a JUnit report and returns its counts. No python3 is a failure, never a skip.
 * Run on its own (`node scripts/test-python.mjs`) it does the same and exits with the phase's status:
 * the real-ADK browser tests and the ADK audio bench need the venv it makes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const VENV = 'python/.venv';
const BIN = process.platform === 'win32' ? `${VENV}/Scripts` : `${VENV}/bin`;
const STAMP = `${VENV}/.ci-stamp`;
const REPORT = '.pytest-results.xml';

function step(label, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.error || r.status !== 0) {
    console.error(`✗ ${label} failed (${secs} s)${r.error ? `: ${r.error.message}` : ''}`);
    return false;
  }
  console.log(`✓ ${label} (${secs} s)`);
  return true;
}

const failed = (why) => {
  console.error(`✗ python phase: ${why}`);
  return { passed: 0, failed: 1, skipped: 0, status: 1 };
};

/** Runs the phase; returns pytest's counts (a set-up failure counts as one failed test). */
export function runPythonPhase() {
  const t0 = Date.now();
  const python = process.env.PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  });
  if (probe.error || probe.status !== 0) {
    return failed(
      `${python} was not found. The Python package's tests need Python >= 3.10 with venv ` +
        '(Debian: apt-get install python3 python3-venv), or set PYTHON=/path/to/python3.',
    );
  }
  const [major, minor] = probe.stdout.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 10)) {
    return failed(`${python} is ${probe.stdout.trim()}; the package needs Python >= 3.10.`);
  }
  const wanted = createHash('sha256')
    .update(readFileSync('python/requirements-ci.txt'))
    .update(readFileSync('python/pyproject.toml'))
    .update(probe.stdout)
    .digest('hex');
  if (!existsSync(`${BIN}/python`) && !step('python venv', python, ['-m', 'venv', VENV])) {
    return failed(`could not create ${VENV} (Debian: apt-get install python3-venv)`);
  }
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8') : '';
  if (stamp !== wanted) {
    const ok = step('pip install (pinned, python/requirements-ci.txt)', `${BIN}/python`, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '-r',
      'python/requirements-ci.txt',
      '-e',
      'python[fastapi,adk]',
    ]);
    if (!ok) return failed('pip install failed (PyPI reachable?)');
    writeFileSync(STAMP, wanted);
  }
  // The package is typed (py.typed): mypy --strict on it, configured in python/pyproject.toml.
  const typed = spawnSync(
    resolve(`${BIN}/python`),
    ['-m', 'mypy', '--cache-dir', '.venv/.mypy_cache'],
    {
      stdio: 'inherit',
      cwd: 'python',
    },
  );
  if (typed.status !== 0) console.error('✗ mypy --strict on python/src/live_agent_server failed');
  rmSync(REPORT, { force: true });
  const run = spawnSync(
    `${BIN}/python`,
    ['-m', 'pytest', 'python/tests', '-q', '-p', 'no:cacheprovider', `--junitxml=${REPORT}`],
    { stdio: 'inherit' },
  );
  console.log(`python phase: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (!existsSync(REPORT)) return failed('pytest wrote no report');
  const xml = readFileSync(REPORT, 'utf8');
  rmSync(REPORT, { force: true });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite[1])?.[1] ?? 0);
    const bad = attr('failures') + attr('errors');
    counts.passed += attr('tests') - bad - attr('skipped');
    counts.failed += bad;
    counts.skipped += attr('skipped');
  }
  if (typed.status !== 0) counts.failed += 1; // the type check counts as one test
  return { ...counts, status: run.status === 0 && typed.status === 0 ? 0 : 1 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(runPythonPhase().status);
}
