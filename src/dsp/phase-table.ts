/**
 * The polyphase table of a zero-phase, odd-length prototype, shared by the runtime equiripple
 * designer (remez.ts) and the designs stored for the usual rate pairs (stored-designs.ts).
 */

export interface PhaseTable {
  taps: number;
  table: Float64Array;
}

/**
 * Designs the equiripple table for `phases` phases, band edges `pass`/`stop` in cycles per input
 * sample, deviations δp and δs; null if there is no such design (the caller keeps the Kaiser one).
 */
export type EquirippleDesigner = (
  phases: number,
  pass: number,
  stop: number,
  deltaPass: number,
  deltaStop: number,
) => PhaseTable | null;

/**
 * L rows of `taps` (row r, tap m holds the prototype at τ = r/L − (m − taps/2 + 1) input samples,
 * the Kaiser tables' layout) from h[0..K], h[k] = h[−k], K = L·taps/2 − 1.
 */
export function prototypeTable(L: number, h: ArrayLike<number>): PhaseTable {
  const K = h.length - 1;
  const taps = (2 * (K + 1)) / L;
  const half = taps / 2;
  const table = new Float64Array(L * taps);
  for (let r = 0; r < L; r++) {
    for (let m = 0; m < taps; m++) {
      const k = Math.abs(r - L * (m - half + 1));
      // Each row sums to ≈ 1/L of the prototype's DC gain: scale by L (no per-row normalisation,
      // which would move the passband by up to δp).
      table[r * taps + m] = k <= K ? L * h[k]! : 0;
    }
  }
  return { taps, table };
}
