/**
 * Symmetric phase rows. A linear-phase prototype centred on an input sample gives phase rows that
 * read the same backwards (for L ≤ 2 every row; otherwise row 0 and row L/2), so tap m and its
 * mirror share a coefficient: adding the two inputs first halves the multiplications.
 */

/** A symmetric row laid out for `convolveRunFolded` over M de-interleaved sub-streams. */
export interface FoldedRow {
  /** First non-zero tap of the row. */
  readonly first: number;
  /** Per residue p (taps first + p + M·i): how many mirror pairs, and where their coefficients start. */
  readonly count: Int32Array;
  readonly offset: Int32Array;
  /** Per residue p: the mirror tap's offset from `first` for i = 0 (it then moves down by M per i). */
  readonly mirror: Int32Array;
  readonly coef: Float64Array;
  /** Offset from `first` of the unpaired centre tap (odd-length rows), or −1. */
  readonly centre: number;
  readonly centreCoef: number;
}

/** The folded layout of `tab[row .. row+taps)`, or null if the row is not symmetric. */
export function foldRow(tab: Float64Array, row: number, taps: number, M: number): FoldedRow | null {
  let first = 0;
  let last = taps - 1;
  while (first < taps && tab[row + first] === 0) first++;
  while (last > first && tab[row + last] === 0) last--;
  if (first >= taps) return null;
  const span = last - first + 1;
  for (let k = 0; k < span >> 1; k++) {
    if (tab[row + first + k] !== tab[row + last - k]) return null;
  }
  const count = new Int32Array(M);
  const offset = new Int32Array(M);
  const mirror = new Int32Array(M);
  const coef: number[] = [];
  for (let p = 0; p < M; p++) {
    offset[p] = coef.length;
    mirror[p] = span - 1 - p;
    // Pairs with tap p + M·i strictly before the centre.
    for (let m = p; 2 * m < span - 1; m += M) coef.push(tab[row + first + m]!);
    count[p] = coef.length - offset[p]!;
  }
  const centre = span % 2 ? (span - 1) / 2 : -1;
  const centreCoef = centre < 0 ? 0 : tab[row + first + centre]!;
  return { first, count, offset, mirror, coef: Float64Array.from(coef), centre, centreCoef };
}

/**
 * `count` outputs of one symmetric row, the window of output q starting at input `rel + M·q`, where
 * input k is z[(k mod M)·zStride + ⌊k/M⌋] (M = 1: z is the input itself). Four outputs at a time,
 * each input loaded once and slid through registers in both directions (F forward from the window's
 * start, B backward from its end). Every output is summed in one order — residues in turn, then the
 * centre — in blocks of four and alone alike, so the result does not depend on the block split.
 */
export function convolveRunFolded(
  z: Float64Array,
  zStride: number,
  rel: number,
  M: number,
  row: FoldedRow,
  out: Float32Array,
  outIndex: number,
  outStride: number,
  total: number,
): void {
  const { count, offset, mirror, coef, centre, centreCoef } = row;
  const start = rel + row.first;
  let q = 0;
  for (; q + 4 <= total; q += 4) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let p = 0; p < M; p++) {
      const n = count[p]!;
      const f = index(start + p, M, zStride) + q;
      const b = index(start + mirror[p]!, M, zStride) + q;
      const t = offset[p]!;
      let f0 = z[f]!;
      let f1 = z[f + 1]!;
      let f2 = z[f + 2]!;
      let f3 = z[f + 3]!;
      let b0 = z[b]!;
      let b1 = z[b + 1]!;
      let b2 = z[b + 2]!;
      let b3 = z[b + 3]!;
      for (let i = 0; i < n; i++) {
        const c = coef[t + i]!;
        a0 += c * (f0 + b0);
        a1 += c * (f1 + b1);
        a2 += c * (f2 + b2);
        a3 += c * (f3 + b3);
        f0 = f1;
        f1 = f2;
        f2 = f3;
        f3 = z[f + i + 4]!;
        b3 = b2;
        b2 = b1;
        b1 = b0;
        b0 = z[b - i - 1]!;
      }
    }
    if (centre >= 0) {
      const c = index(start + centre, M, zStride) + q;
      a0 += centreCoef * z[c]!;
      a1 += centreCoef * z[c + 1]!;
      a2 += centreCoef * z[c + 2]!;
      a3 += centreCoef * z[c + 3]!;
    }
    const o = outIndex + q * outStride;
    out[o] = a0;
    out[o + outStride] = a1;
    out[o + 2 * outStride] = a2;
    out[o + 3 * outStride] = a3;
  }
  for (; q < total; q++) {
    let a = 0;
    for (let p = 0; p < M; p++) {
      const f = index(start + p, M, zStride) + q;
      const b = index(start + mirror[p]!, M, zStride) + q;
      const t = offset[p]!;
      for (let i = 0, n = count[p]!; i < n; i++) a += coef[t + i]! * (z[f + i]! + z[b - i]!);
    }
    if (centre >= 0) a += centreCoef * z[index(start + centre, M, zStride) + q]!;
    out[outIndex + q * outStride] = a;
  }
}

/** Where input k lives in the de-interleaved buffer. */
function index(k: number, M: number, zStride: number): number {
  const lane = k % M;
  return lane * zStride + (k - lane) / M;
}
