/** Greatest common divisor of two non-negative integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Largest denominator used to approximate a non-integer rate ratio. */
const MAX_DENOMINATOR = 1 << 20;

/**
 * The ratio toHz/fromHz as [L, M] in lowest terms. Integer rates are exact (48000/16000 → [1, 3],
 * 16000/44100 → [160, 441]); otherwise the best continued-fraction approximation with M ≤ 2^20,
 * which is well under a part per billion off for any audio rate.
 */
export function rationalRatio(fromHz: number, toHz: number): [up: number, down: number] {
  if (Number.isSafeInteger(fromHz) && Number.isSafeInteger(toHz)) {
    const g = gcd(fromHz, toHz);
    return [toHz / g, fromHz / g];
  }
  const target = toHz / fromHz;
  // Convergents h/k of the continued fraction of `target`.
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let rest = target;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(rest);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (k2 > MAX_DENOMINATOR || h2 > MAX_DENOMINATOR * 64) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    const frac = rest - a;
    if (frac < 1e-12) break;
    rest = 1 / frac;
  }
  return [h1, k1];
}
