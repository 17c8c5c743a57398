/**
 * The figures a bench reports for the README (`<!--bench:NAME#KEY-->…<!--/-->`):
 * bench/results/NAME.figures.json, which `npm run bench` compares with the README afterwards
 * (scripts/readme-figures.ts). Tolerance is relative: 0.1 lets the README claim up to 10 % better
 * than this run measured (timings on a shared machine wander; quality figures barely move).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { BenchFigure } from '../../scripts/readme-figures.ts';

export function writeFigures(name: string, figures: Record<string, BenchFigure>): void {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${name}.figures.json`, dir), JSON.stringify(figures, null, 2));
}
