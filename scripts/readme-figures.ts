/**
 * README figures: every number the README states sits in a marker naming what produces it,
 *
 *   <!--KIND:PRODUCER#KEY-->VALUE<!--/-->
 *
 *   bench:NAME#KEY        measured by bench/NAME.bench.ts, which writes KEY to
 *                         bench/results/NAME.figures.json; `npm run bench` fails when the README
 *                         claims better than measured beyond the figure's tolerance, and
 *                         `UPDATE_README=1 npm run bench -- NAME` rewrites the figures.
 *   test:PATH#KEY         asserted by test/PATH.test.ts, which reads the value from the README
 *                         (readmeFigure) — a bound the test enforces, or a measured count it checks.
 *   code:PATH#NAME[*N]    a default or constant: the line of PATH (from the repository root) that
 *                         names NAME holds VALUE (times N: `*1000` for seconds stated as ms).
 *   was:COMMIT#KEY        measured at an earlier commit (a "before" column): kept as history,
 *                         not re-measured; the commit must exist.
 *
 * test/node/readme-figures.test.ts checks every producer exists and that no number outside a
 * marker is left in the prose (short of a small allow-list). Run as a script by `npm run bench`:
 *   node --import tsx scripts/readme-figures.ts NAME…   (UPDATE_README=1 rewrites)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { figureIn, MARKER, parseFigure, type BenchFigure } from './readme-markers.ts';

const here = new URL('../', import.meta.url);
// happy-dom (the unit project) serves modules over http: there the root is the working directory.
export const ROOT = here.protocol === 'file:' ? fileURLToPath(here) : `${process.cwd()}/`;
export const README = `${ROOT}README.md`;

export {
  figuresIn,
  MARKER,
  parseFigure,
  type BenchFigure,
  type Figure,
  type Kind,
} from './readme-markers.ts';

/** The value a test asserts (Node tests): `readmeFigure('unit/dsp-resampler', 'stopband-db')`. */
export const readmeFigure = (testPath: string, key: string) =>
  figureIn(readFileSync(README, 'utf8'), testPath, key);

const decimalsOf = (text: string) => /\.(\d+)/.exec(text)?.[1]?.length ?? 0;

/**
 * Format like the README already does (same decimals, same thousands separator), rounded the
 * modest way: down when higher is better, up when lower is (93.55 dB stopband reads "≥ 93").
 */
export function formatLike(previous: string, m: Pick<BenchFigure, 'value' | 'better'>): string {
  const decimals = decimalsOf(previous);
  const scale = 10 ** decimals;
  const round = m.better === 'higher' ? Math.floor : Math.ceil;
  // The epsilon keeps 0.035 from becoming 0.036 through binary representation.
  const fixed = (round(m.value * scale + (m.better === 'higher' ? 1e-9 : -1e-9)) / scale).toFixed(
    decimals,
  );
  if (!previous.includes(',')) return fixed;
  const [int, frac] = fixed.split('.');
  return int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

/**
 * A claim better than measured beyond the tolerance (the README says "faster than it is"); half
 * a unit of the stated precision is rounding, not a claim ("14" for 13.8).
 */
export function overclaims(text: string, m: BenchFigure): boolean {
  const slack = Math.abs(m.value) * m.tolerance + 0.5 / 10 ** decimalsOf(text);
  const stated = parseFigure(text);
  return m.better === 'higher' ? stated > m.value + slack : stated < m.value - slack;
}

/**
 * Compares (or, with update, rewrites) the README's `bench:NAME#…` figures against the bench's
 * results. Returns the problems found (empty: all good).
 */
export function checkBench(
  name: string,
  measured: Record<string, BenchFigure>,
  update: boolean,
): string[] {
  const readme = readFileSync(README, 'utf8');
  const problems: string[] = [];
  const next = readme.replace(
    MARKER,
    (whole, kind: string, producer: string, key: string, text: string) => {
      if (kind !== 'bench' || producer !== name) return whole;
      const m = measured[key];
      if (!m) {
        // A shortened run (e.g. COST_HEAP_SECONDS=0) leaves some out: nothing to compare.
        console.log(`README bench:${name}#${key}: not measured in this run`);
        return whole;
      }
      if (update) return `<!--bench:${name}#${key}-->${formatLike(text, m)}<!--/-->`;
      if (overclaims(text, m))
        problems.push(
          `README bench:${name}#${key} = ${text}, measured ${formatLike(text, m)} ` +
            `(${m.better} is better, tolerance ${m.tolerance * 100} %)`,
        );
      return whole;
    },
  );
  if (update && next !== readme) writeFileSync(README, next);
  return problems;
}

const main = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (main) {
  const update = Boolean(process.env.UPDATE_README);
  let failed = false;
  for (const name of process.argv.slice(2)) {
    const file = `${ROOT}bench/results/${name}.figures.json`;
    if (!existsSync(file)) continue; // a bench without README figures
    const measured = JSON.parse(readFileSync(file, 'utf8')) as Record<string, BenchFigure>;
    const problems = checkBench(name, measured, update);
    for (const p of problems) console.error(p);
    if (problems.length) failed = true;
    else console.log(`README figures of ${name}: ${update ? 'rewritten' : 'as measured'}`);
  }
  if (failed) {
    console.error('README claims beyond what was measured (UPDATE_README=1 rewrites them)');
    process.exit(1);
  }
}
