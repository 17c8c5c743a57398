/**
 * `npm start`: build the SDK, then serve the demo. Without GEMINI_API_KEY the demo talks to the
 * built-in Live emulator; with it, the demo's token endpoint mints real ephemeral tokens.
 *   npm start -- --port 9000 (or PORT=9000 npm start): arguments go to demo/server.ts.
 */
import { spawnSync, spawn } from 'node:child_process';

const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'demo/server.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
