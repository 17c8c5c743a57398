/**
 * Machine set-up for the browser tests: Chromium, Firefox ESR and WebKitGTK (+ Xvfb), and the
 * tools that make the fake-microphone WAV. Installs Debian's packages when it can (root + apt);
 * otherwise fails with a clear message. Never skips silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const wanted = (process.env.BROWSERS ?? 'chromium,firefox,webkit').split(',').map((s) => s.trim());

const onPath = (cmd) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const chromium = () =>
  [process.env.CHROME_PATH, process.env.CHROMIUM_PATH, '/usr/bin/chromium'].some(
    (p) => p && existsSync(p),
  );

const needs = [];
if (wanted.includes('chromium') && !chromium()) needs.push('chromium', 'chromium-driver');
if (wanted.includes('firefox') && !(process.env.FIREFOX_PATH || onPath('firefox-esr')))
  needs.push('firefox-esr');
if (wanted.includes('webkit') && !(existsSync(MINIBROWSER) && onPath('WebKitWebDriver')))
  needs.push('webkit2gtk-driver');
if (wanted.includes('webkit') && !onPath('xvfb-run')) needs.push('xvfb');
if (!onPath('espeak-ng')) needs.push('espeak-ng');
if (!onPath('sox')) needs.push('sox');

if (needs.length === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(
    `\nMissing for the browser tests: ${needs.join(', ')}.\n` +
      `Install them (Debian: sudo apt-get install -y ${needs.join(' ')}), or point the tests at ` +
      `your own browsers with CHROME_PATH=/path/to/chromium (and FIREFOX_PATH, MINIBROWSER_PATH), ` +
      `or choose engines with BROWSERS=chromium.\n`,
  );
  process.exit(1);
}

console.log(`Installing Debian packages for the browser tests: ${needs.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-q', ...new Set(needs)], { stdio: 'inherit', env });
