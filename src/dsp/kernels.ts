/**
 * Inner loops of the polyphase resampler. Kept monomorphic (Float32Array in, plain numbers) so V8
 * compiles them to tight scalar code. Every output is summed the same way — one accumulator for
 * even taps, one for odd taps, added at the end — whichever kernel computes it, so the result is
 * bit-identical however the input was split into blocks.
 */

/**
 * Computes `count` outputs that share one phase row (`tab[row .. row+taps)`), the window of output q
 * starting at `x[start + q·stride]`, written to `out[outIndex + q·outStride]`. Four outputs at a
 * time: each coefficient load then feeds four multiply-adds, which is ~1.5× faster than one by one.
 */
export function convolveRun(
  x: Float32Array,
  start: number,
  stride: number,
  tab: Float32Array,
  row: number,
  taps: number,
  out: Float32Array,
  outIndex: number,
  outStride: number,
  count: number,
): void {
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const s0 = start + q * stride;
    const s1 = s0 + stride;
    const s2 = s1 + stride;
    const s3 = s2 + stride;
    let a0 = 0;
    let b0 = 0;
    let a1 = 0;
    let b1 = 0;
    let a2 = 0;
    let b2 = 0;
    let a3 = 0;
    let b3 = 0;
    for (let m = 0; m < taps; m += 4) {
      const c = tab[row + m]!;
      const d = tab[row + m + 1]!;
      const e = tab[row + m + 2]!;
      const f = tab[row + m + 3]!;
      a0 += x[s0 + m]! * c;
      b0 += x[s0 + m + 1]! * d;
      a1 += x[s1 + m]! * c;
      b1 += x[s1 + m + 1]! * d;
      a2 += x[s2 + m]! * c;
      b2 += x[s2 + m + 1]! * d;
      a3 += x[s3 + m]! * c;
      b3 += x[s3 + m + 1]! * d;
      a0 += x[s0 + m + 2]! * e;
      b0 += x[s0 + m + 3]! * f;
      a1 += x[s1 + m + 2]! * e;
      b1 += x[s1 + m + 3]! * f;
      a2 += x[s2 + m + 2]! * e;
      b2 += x[s2 + m + 3]! * f;
      a3 += x[s3 + m + 2]! * e;
      b3 += x[s3 + m + 3]! * f;
    }
    const o = outIndex + q * outStride;
    out[o] = a0 + b0;
    out[o + outStride] = a1 + b1;
    out[o + 2 * outStride] = a2 + b2;
    out[o + 3 * outStride] = a3 + b3;
  }
  for (; q < count; q++) {
    const s = start + q * stride;
    let a = 0;
    let b = 0;
    // Unrolled by four (taps is a multiple of 4) but summed in the same order as above.
    for (let m = 0; m < taps; m += 4) {
      a += x[s + m]! * tab[row + m]!;
      b += x[s + m + 1]! * tab[row + m + 1]!;
      a += x[s + m + 2]! * tab[row + m + 2]!;
      b += x[s + m + 3]! * tab[row + m + 3]!;
    }
    out[outIndex + q * outStride] = a + b;
  }
}

/**
 * One output from two adjacent phase rows (`row` and `row + taps`), linearly interpolated with
 * weight `w` — the fallback when the exact phase count would make the table too large.
 */
export function convolveInterpolated(
  x: Float32Array,
  start: number,
  tab: Float32Array,
  row: number,
  taps: number,
  w: number,
): number {
  const next = row + taps;
  let a0 = 0;
  let b0 = 0;
  let a1 = 0;
  let b1 = 0;
  for (let m = 0; m < taps; m += 2) {
    const v = x[start + m]!;
    const u = x[start + m + 1]!;
    a0 += v * tab[row + m]!;
    b0 += u * tab[row + m + 1]!;
    a1 += v * tab[next + m]!;
    b1 += u * tab[next + m + 1]!;
  }
  const y0 = a0 + b0;
  return y0 + w * (a1 + b1 - y0);
}
