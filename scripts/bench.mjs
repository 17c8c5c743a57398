/**
 * `npm run bench`: every benchmark in one run (numbers belong here, never in timed unit tests).
 * Each bench prints a table with its targets; JSON goes to bench/results/ (not committed).
 *   npm run bench -- resampler     run the benches whose file name contains "resampler"
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';

const filter = process.argv[2] ?? '';
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
mkdirSync('bench/results', { recursive: true });
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (benches.length === 0) console.error(`No benchmark matches "${filter}".`);
process.exit(failed || benches.length === 0 ? 1 : 0);
