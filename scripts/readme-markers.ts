/**
 * The README's figure markers, parsed (no Node APIs: browser tests import this with the README
 * as `?raw`). scripts/readme-figures.ts says what each kind means and holds the Node side.
 */
export type Kind = 'bench' | 'test' | 'code' | 'was';
export interface Figure {
  kind: Kind;
  producer: string;
  key: string;
  /** As written between the markers, e.g. `4,153` or `0.035`. */
  text: string;
  value: number;
}
/** What a bench writes per figure: higher or lower is better; relative tolerance (0.1 = 10 %). */
export interface BenchFigure {
  value: number;
  better: 'higher' | 'lower';
  tolerance: number;
}

export const MARKER = /<!--(bench|test|code|was):([\w./-]+)#([\w.*-]+)-->([^<]*)<!--\/-->/g;

/** `4,153` → 4153; `1e-6` → 0.000001; a thin/narrow space as a thousands separator is fine. */
export function parseFigure(text: string): number {
  const n = Number(text.replace(/[,\u202f\u2009 ]/g, '').replace('−', '-'));
  if (!Number.isFinite(n) || text.trim() === '') throw new Error(`not a number: "${text}"`);
  return n;
}

export function figuresIn(readme: string): Figure[] {
  return [...readme.matchAll(MARKER)].map((m) => ({
    kind: m[1] as Kind,
    producer: m[2]!,
    key: m[3]!,
    text: m[4]!,
    value: parseFigure(m[4]!),
  }));
}

/** The value a test asserts: `figureIn(readme, 'unit/dsp-resampler', 'stopband-db')`. */
export function figureIn(readme: string, testPath: string, key: string): number {
  const found = figuresIn(readme).filter(
    (f) => f.kind === 'test' && f.producer === testPath && f.key === key,
  );
  if (found.length === 0) throw new Error(`README has no <!--test:${testPath}#${key}--> figure`);
  const values = new Set(found.map((f) => f.value));
  if (values.size > 1) throw new Error(`README states ${testPath}#${key} as ${[...values]}`);
  return found[0]!.value;
}
