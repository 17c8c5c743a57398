/** Small signal measurements for audio tests (numbers, not "it returned something"). */

/** Amplitude of the `hz` component (a Goertzel-style projection): a sine of amplitude A gives ≈ A. */
export function toneAmplitude(x: Float32Array, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos(w * i);
    im -= x[i]! * Math.sin(w * i);
  }
  return (2 * Math.hypot(re, im)) / Math.max(1, x.length);
}

/** Root mean square. */
export const rms = (x: Float32Array): number =>
  Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
