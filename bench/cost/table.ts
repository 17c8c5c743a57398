/** The cost bench's printed tables, shared by the Chromium and Firefox rounds. */
import { pct } from '../support/stats.ts';
import { r1 } from './browser.ts';

export interface Row {
  metric: string;
  element: string;
  bare: string;
  target: string;
  pass?: boolean;
}

/** Median [min–max]. */
export const spread = (xs: number[], f = r1): string =>
  `${f(pct(xs, 50))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;

/** The CPU buckets of these runs (not the total), largest first by the element's median. */
export function cpuKinds(runs: { cpu: Record<string, number> }[], el: typeof runs): string[] {
  const median = (k: string) =>
    pct(
      el.map((r) => r.cpu[k] ?? 0),
      50,
    );
  return [...new Set(runs.flatMap((r) => Object.keys(r.cpu)))]
    .filter((k) => k !== 'total')
    .sort((a, b) => median(b) - median(a));
}

/** Prints rows under the bench's header, one column width each. */
export function printTable(rows: Row[]): void {
  const w = [42, 26, 26, 16];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join(' ');
  console.log(line(['metric', 'element (default UI)', 'bare session', 'target', 'result']));
  for (const r of rows)
    console.log(
      line([
        r.metric,
        r.element,
        r.bare,
        r.target,
        r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL',
      ]),
    );
}
