/**
 * The resampler's hand-unrolled inner loops against the plain sums they stand for: the folded
 * symmetric-row kernel (every layout the polyphase stage gives it) and the half-band decimator.
 */
import { describe, expect, it } from 'vitest';
import { HalfbandDecimator, designHalfband, halfbandPairs } from '../../src/dsp/halfband.ts';
import { convolveRunFolded, foldRow } from '../../src/dsp/kernels-fold.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A row of `taps` with `lead` zeros, then a symmetric run of `span` random values, then zeros. */
function symmetricRow(taps: number, lead: number, span: number, random: () => number) {
  const row = new Float64Array(taps);
  for (let k = 0; k < span; k++) row[lead + k] = row[lead + span - 1 - k] || random();
  return row;
}

/** x de-interleaved into M lanes of `stride`, as the polyphase stage lays it out. */
function deinterleave(x: Float64Array, M: number, stride: number): Float64Array {
  const z = new Float64Array(M * stride);
  for (let k = 0; k < x.length; k++) z[(k % M) * stride + Math.floor(k / M)] = x[k]!;
  return z;
}

describe('folded symmetric-row kernel', () => {
  it('folds only rows that read the same backwards', () => {
    expect(foldRow(Float64Array.from([0, 1, 2, 3, 0]), 0, 5, 1)).toBeNull();
    expect(foldRow(new Float64Array(4), 0, 4, 1)).toBeNull();
    const odd = foldRow(Float64Array.from([0, 1, 2, 3, 2, 1, 0]), 0, 7, 1)!;
    expect([odd.first, odd.centre, odd.centreCoef, [...odd.coef]]).toEqual([1, 2, 3, [1, 2]]);
    const even = foldRow(Float64Array.from([9, 1, 2, 2, 1]), 1, 4, 2)!;
    expect([even.first, even.centre, [...even.count], [...even.coef]]).toEqual([
      0,
      -1,
      [1, 1],
      [1, 2],
    ]);
  });

  for (const M of [1, 2, 3, 5]) {
    for (const span of [1, 2, 7, 24, 59]) {
      it(`M = ${M}, span ${span}: every output equals the plain sum, in blocks of four and alone`, () => {
        const random = rng(M * 100 + span);
        const taps = span + 3;
        const row = symmetricRow(taps, 2, span, random);
        const folded = foldRow(row, 0, taps, M)!;
        expect(folded).not.toBeNull();
        const x = Float64Array.from({ length: 40 * M + taps + 16 }, random);
        const stride = Math.ceil(x.length / M) + 8;
        const z = M === 1 ? x : deinterleave(x, M, stride);
        for (const rel of [0, 1, M + 1]) {
          for (const total of [0, 1, 3, 4, 5, 9, 12]) {
            const out = new Float32Array(2 * total + 1).fill(NaN);
            convolveRunFolded(z, M === 1 ? 0 : stride, rel, M, folded, out, 1, 2, total);
            for (let q = 0; q < total; q++) {
              let want = 0;
              for (let m = 0; m < taps; m++) want += row[m]! * x[rel + M * q + m]!;
              expect(out[1 + 2 * q]).toBeCloseTo(want, 6);
            }
            expect(out[0]).toBeNaN(); // untouched outside its stride
          }
        }
      });
    }
  }
});

describe('half-band decimator', () => {
  it('computes ½·x[2k] + Σ c_j (x[2k−2j−1] + x[2k+2j+1]) for every output, over any block split', () => {
    const random = rng(7);
    const decimator = new HalfbandDecimator(1 / 3, 102);
    const pairs = halfbandPairs(1 / 3, 102);
    const coef = designHalfband(pairs, 102);
    const x = Float32Array.from({ length: 1001 }, random);
    const got: number[] = [];
    for (let i = 0, size = 0; i < x.length; i += size, size = (size * 7 + 3) % 37) {
      got.push(...decimator.process(x.subarray(i, i + size)));
    }
    got.push(...decimator.flush());
    expect(got).toHaveLength(Math.ceil(x.length / 2));
    const at = (k: number) => (k >= 0 && k < x.length ? x[k]! : 0);
    got.forEach((y, k) => {
      let want = 0.5 * at(2 * k);
      for (let j = 0; j < pairs; j++)
        want += coef[j]! * (at(2 * k - 2 * j - 1) + at(2 * k + 2 * j + 1));
      expect(y).toBeCloseTo(want, 12);
    });
  });
});
