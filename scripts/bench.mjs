/**
 * `npm run bench`: every benchmark in one run (numbers belong here, never in timed unit tests).
 * Each bench prints a table with its targets; JSON goes to bench/results/ (not committed). The
 * README's figures from a bench (<!--bench:NAME#KEY-->) are then checked against what it measured:
 * a claim better than measured (beyond its tolerance) fails; UPDATE_README=1 rewrites them.
 *   npm run bench -- resampler     run the benches whose file name contains "resampler"
 *   npm run bench -- --list        list the benches;  --help  this usage
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';

const USAGE = `Usage: npm run bench [-- NAME | --list | --help]

  (no argument)   run every benchmark (tables with targets; JSON in bench/results/)
  NAME            run the benchmarks whose file name contains NAME (e.g. resampler)
  UPDATE_README=1 rewrite the README's figures from these runs (otherwise they are checked)
  --list          list the benchmarks
  -h, --help      this text
`;

const arg = process.argv[2] ?? '';
const all = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
if (arg === '--help' || arg === '-h') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (arg === '--list') {
  for (const f of all) console.log(f.replace(/\.bench\.ts$/, ''));
  process.exit(0);
}
if (arg.startsWith('-')) {
  process.stderr.write(`Unknown option ${arg}\n\n${USAGE}`);
  process.exit(2);
}
const benches = all.filter((f) => f.includes(arg));
if (benches.length === 0) {
  console.error(
    `No benchmark matches "${arg}". Benchmarks: ${all.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`,
  );
  process.exit(1);
}
mkdirSync('bench/results', { recursive: true });
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
// The README's figures against what these benches measured (bench/results/NAME.figures.json).
const names = benches.map((f) => f.replace(/\.bench\.ts$/, ''));
const check = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'scripts/readme-figures.ts', ...names],
  { stdio: 'inherit' },
);
if (check.status !== 0) failed++;
process.exit(failed ? 1 : 0);
