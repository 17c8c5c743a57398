/**
 * Inner loops of the polyphase resampler. Kept monomorphic (Float64Array history and tables, plain
 * numbers) so V8 compiles them to tight scalar code without float→double conversions on every load.
 * Every output of one resampler is summed the same way whichever kernel computes it, so the result
 * is bit-identical however the input was split into blocks:
 * - `convolveRun` / `convolveOne`: one accumulator for even taps, one for odd taps, added at the end;
 */

/**
 * Computes `count` outputs that share one phase row (`tab[row .. row+taps)`), the window of output q
 * starting at `x[start + q·stride]`, written to `out[outIndex + q·outStride]`. Four outputs at a
 * time: each coefficient load then feeds four multiply-adds. Unrolled by two taps only: a deeper
 * unroll (16 live products) made V8 spill registers and ran ~1.8× slower (measured).
 */
export function convolveRun(
  x: Float64Array,
  start: number,
  stride: number,
  tab: Float64Array,
  row: number,
  taps: number,
  out: Float32Array,
  outIndex: number,
  outStride: number,
  count: number,
): void {
  let q = 0;
  if (stride === 1) q = slideRun(x, start, tab, row, taps, out, outIndex, outStride, count);
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
    for (let m = 0; m < taps; m += 2) {
      const c = tab[row + m]!;
      const d = tab[row + m + 1]!;
      a0 += x[s0 + m]! * c;
      a1 += x[s1 + m]! * c;
      a2 += x[s2 + m]! * c;
      a3 += x[s3 + m]! * c;
      b0 += x[s0 + m + 1]! * d;
      b1 += x[s1 + m + 1]! * d;
      b2 += x[s2 + m + 1]! * d;
      b3 += x[s3 + m + 1]! * d;
    }
    const o = outIndex + q * outStride;
    out[o] = a0 + b0;
    out[o + outStride] = a1 + b1;
    out[o + 2 * outStride] = a2 + b2;
    out[o + 3 * outStride] = a3 + b3;
  }
  for (; q < count; q++) {
    out[outIndex + q * outStride] = convolveOne(x, start + q * stride, tab, row, taps);
  }
}

/**
 * Stride 1 (upsampling by an integer): the four windows overlap, so each input is loaded once per
 * tap pair and slid through registers (x0..x3) instead of being loaded by every output. Same sums,
 * same order as the general path. Returns how many outputs it computed (a multiple of 4).
 */
function slideRun(
  x: Float64Array,
  start: number,
  tab: Float64Array,
  row: number,
  taps: number,
  out: Float32Array,
  outIndex: number,
  outStride: number,
  count: number,
): number {
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const s = start + q;
    let a0 = 0;
    let b0 = 0;
    let a1 = 0;
    let b1 = 0;
    let a2 = 0;
    let b2 = 0;
    let a3 = 0;
    let b3 = 0;
    let x0 = x[s]!;
    let x1 = x[s + 1]!;
    let x2 = x[s + 2]!;
    let x3 = x[s + 3]!;
    const last = taps - 2;
    for (let m = 0; m < last; m += 2) {
      const c = tab[row + m]!;
      const d = tab[row + m + 1]!;
      const x4 = x[s + m + 4]!;
      const x5 = x[s + m + 5]!;
      a0 += x0 * c;
      a1 += x1 * c;
      a2 += x2 * c;
      a3 += x3 * c;
      b0 += x1 * d;
      b1 += x2 * d;
      b2 += x3 * d;
      b3 += x4 * d;
      x0 = x2;
      x1 = x3;
      x2 = x4;
      x3 = x5;
    }
    // Last tap pair apart: it needs one input less (never reads past the newest window).
    const c = tab[row + last]!;
    const d = tab[row + last + 1]!;
    const x4 = x[s + last + 4]!;
    a0 += x0 * c;
    a1 += x1 * c;
    a2 += x2 * c;
    a3 += x3 * c;
    b0 += x1 * d;
    b1 += x2 * d;
    b2 += x3 * d;
    b3 += x4 * d;
    const o = outIndex + q * outStride;
    out[o] = a0 + b0;
    out[o + outStride] = a1 + b1;
    out[o + 2 * outStride] = a2 + b2;
    out[o + 3 * outStride] = a3 + b3;
  }
  return q;
}

/** One output, summed in the same order as `convolveRun` (even taps, odd taps, then added). */
export function convolveOne(
  x: Float64Array,
  s: number,
  tab: Float64Array,
  row: number,
  taps: number,
): number {
  let a = 0;
  let b = 0;
  for (let m = 0; m < taps; m += 2) {
    a += x[s + m]! * tab[row + m]!;
    b += x[s + m + 1]! * tab[row + m + 1]!;
  }
  return a + b;
}

/**
 * One output from two adjacent phase rows (`row` and `row + taps`), linearly interpolated with
 * weight `w` — the fallback when the exact phase count would make the table too large.
 */
export function convolveInterpolated(
  x: Float64Array,
  start: number,
  tab: Float64Array,
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

/**
 * Decimating runs (stride M > 1) on de-interleaved input: `z` holds M sub-streams of `zStride`
 * each, z[p·zStride + j] = x[origin + p + M·j], and `sub` the phase row split the same way,
 * sub[row + p′·len + i] = tab[M·i + p′] (zero-padded to an even `len`). Output q's window starting
 * at x[origin + rel + M·q] is then M stride-1 convolutions, so the four outputs of a block share
 * their inputs through registers as in `slideRun`. Every output is summed in one order — sub-streams
 * in turn, even taps into one accumulator and odd into another — in blocks of four and alone alike.
 */
export function convolveRunSplit(
  z: Float64Array,
  zStride: number,
  rel: number,
  M: number,
  sub: Float64Array,
  row: number,
  len: number,
  out: Float32Array,
  outIndex: number,
  outStride: number,
  count: number,
): void {
  const j0 = Math.floor(rel / M);
  const p0 = rel - j0 * M;
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    let a0 = 0;
    let b0 = 0;
    let a1 = 0;
    let b1 = 0;
    let a2 = 0;
    let b2 = 0;
    let a3 = 0;
    let b3 = 0;
    for (let p = 0; p < M; p++) {
      const lane = p0 + p;
      const carry = lane >= M ? 1 : 0;
      const s = (lane - carry * M) * zStride + j0 + carry + q;
      const t = row + p * len;
      let x0 = z[s]!;
      let x1 = z[s + 1]!;
      let x2 = z[s + 2]!;
      let x3 = z[s + 3]!;
      for (let i = 0; i < len; i += 2) {
        const c = sub[t + i]!;
        const d = sub[t + i + 1]!;
        const x4 = z[s + i + 4]!;
        const x5 = z[s + i + 5]!;
        a0 += x0 * c;
        a1 += x1 * c;
        a2 += x2 * c;
        a3 += x3 * c;
        b0 += x1 * d;
        b1 += x2 * d;
        b2 += x3 * d;
        b3 += x4 * d;
        x0 = x2;
        x1 = x3;
        x2 = x4;
        x3 = x5;
      }
    }
    const o = outIndex + q * outStride;
    out[o] = a0 + b0;
    out[o + outStride] = a1 + b1;
    out[o + 2 * outStride] = a2 + b2;
    out[o + 3 * outStride] = a3 + b3;
  }
  for (; q < count; q++) {
    let a = 0;
    let b = 0;
    for (let p = 0; p < M; p++) {
      const lane = p0 + p;
      const carry = lane >= M ? 1 : 0;
      const s = (lane - carry * M) * zStride + j0 + carry + q;
      const t = row + p * len;
      for (let i = 0; i < len; i += 2) {
        a += z[s + i]! * sub[t + i]!;
        b += z[s + i + 1]! * sub[t + i + 1]!;
      }
    }
    out[outIndex + q * outStride] = a + b;
  }
}
