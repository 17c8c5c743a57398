/**
 * Inner loop of the large-L polyphase path (44.1k ↔ 16k): two outputs per pass. Outputs of a large-L
 * resampler rarely share a phase row within a block, but neighbouring windows overlap almost fully.
 */

/**
 * Two neighbouring outputs of a large-L resampler (rows `rowA`, `rowB`; windows at `s` and `s + d`,
 * d = 0, 1 or 2): each input is loaded once and feeds both outputs, through registers. Each output is
 * summed as in `convolveOne` (even taps, odd taps, then added), so a lone output matches.
 */
export function convolvePair(
  x: Float64Array,
  s: number,
  d: number,
  tab: Float64Array,
  rowA: number,
  rowB: number,
  taps: number,
  out: Float32Array,
  o: number,
): void {
  let a0 = 0;
  let b0 = 0;
  let a1 = 0;
  let b1 = 0;
  let x0 = x[s]!;
  let x1 = x[s + 1]!;
  if (d === 0) {
    for (let m = 0; m < taps; m += 2) {
      const u = x[s + m]!;
      const v = x[s + m + 1]!;
      a0 += u * tab[rowA + m]!;
      b0 += v * tab[rowA + m + 1]!;
      a1 += u * tab[rowB + m]!;
      b1 += v * tab[rowB + m + 1]!;
    }
  } else if (d === 1) {
    for (let m = 0; m < taps; m += 2) {
      const x2 = x[s + m + 2]!;
      a0 += x0 * tab[rowA + m]!;
      b0 += x1 * tab[rowA + m + 1]!;
      a1 += x1 * tab[rowB + m]!;
      b1 += x2 * tab[rowB + m + 1]!;
      x0 = x2;
      x1 = x[s + m + 3]!;
    }
  } else {
    for (let m = 0; m < taps; m += 2) {
      const x2 = x[s + m + 2]!;
      const x3 = x[s + m + 3]!;
      a0 += x0 * tab[rowA + m]!;
      b0 += x1 * tab[rowA + m + 1]!;
      a1 += x2 * tab[rowB + m]!;
      b1 += x3 * tab[rowB + m + 1]!;
      x0 = x2;
      x1 = x3;
    }
  }
  out[o] = a0 + b0;
  out[o + 1] = a1 + b1;
}
