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

/**
 * The median of `toneAmplitude` over consecutive windows of `size` samples: robust to the phase
 * jumps a loaded engine's mock microphone makes when it drops audio (a coherent sum over the whole
 * capture then cancels itself). Pick `size` to hold whole cycles of the tones compared.
 */
export function medianToneAmplitude(
  x: Float32Array,
  hz: number,
  rate: number,
  size: number,
): number {
  const values: number[] = [];
  for (let i = 0; i + size <= x.length; i += size) {
    values.push(toneAmplitude(x.subarray(i, i + size), hz, rate));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}

/** Root mean square. */
export const rms = (x: Float32Array): number =>
  Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
