/** Summary statistics shared by the bench tables. */

/** Nearest-rank percentile of the finite values (p = 100: the maximum); NaN when there are none. */
export function pct(xs: number[], p: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
}
