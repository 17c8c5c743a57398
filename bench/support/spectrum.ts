/**
 * Spectrum measurement for resampler tests and the benchmark: a radix-2 FFT behind a Kaiser β=20
 * window (sidelobes ≈ −180 dB, far below the −90 dB we measure), levels in dB re a unit sine.
 */

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < size / 2; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let s = k; s < n; s += size) {
        const t = s + size / 2;
        const xr = re[t]! * wr - im[t]! * wi;
        const xi = re[t]! * wi + im[t]! * wr;
        re[t] = re[s]! - xr;
        im[t] = im[s]! - xi;
        re[s] = re[s]! + xr;
        im[s] = im[s]! + xi;
      }
    }
  }
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 300 && term > sum * 1e-17; k++) {
    term *= (x * x) / (4 * k * k);
    sum += term;
  }
  return sum;
}

const windows = new Map<number, Float64Array>();

function kaiserWindow(n: number): Float64Array {
  let w = windows.get(n);
  if (w) return w;
  w = new Float64Array(n);
  const beta = 20;
  for (let i = 0; i < n; i++) {
    const u = (2 * i) / (n - 1) - 1;
    w[i] = besselI0(beta * Math.sqrt(1 - u * u)) / besselI0(beta);
  }
  windows.set(n, w);
  return w;
}

/** Magnitude spectrum (bins 0..n/2) of `signal[start .. start+n)` in dB re a unit-amplitude sine. */
export function spectrumDb(signal: ArrayLike<number>, start: number, n: number): Float64Array {
  const w = kaiserWindow(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let gain = 0;
  for (let i = 0; i < n; i++) {
    re[i] = (signal[start + i] ?? 0) * w[i]!;
    gain += w[i]!;
  }
  fft(re, im);
  const db = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    db[k] = 20 * Math.log10((2 * Math.hypot(re[k]!, im[k]!)) / gain + 1e-300);
  }
  return db;
}

/** A unit sine at `hz`, sampled at `rate`. */
export function sine(hz: number, rate: number, length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = Math.sin((2 * Math.PI * hz * i) / rate);
  return x;
}

export interface ToneResult {
  /** Level at the tone's own frequency (gain, dB); −Infinity if the tone is above output Nyquist. */
  gainDb: number;
  /** Strongest component anywhere else in the output (alias or image), dB re the input tone. */
  spurDb: number;
}

/** Bins each side of a tone that belong to the window's main lobe (β=20: ±6.5 bins to the null). */
const MAIN_LOBE = 8;

/**
 * Resamples a unit sine at `hz` with `run` and measures the output spectrum over `n` samples taken
 * after the start-up transient. Pick `hz` on an output bin (k·toHz/n) for exact gain readings.
 */
export function measureTone(
  run: (input: Float32Array) => Float32Array,
  fromHz: number,
  toHz: number,
  hz: number,
  n = 16384,
): ToneResult {
  const skip = 2048;
  const input = sine(hz, fromHz, Math.ceil(((n + 2 * skip) * fromHz) / toHz));
  const out = run(input);
  const spec = spectrumDb(out, skip, n);
  const center = hz < toHz / 2 ? Math.round((hz * n) / toHz) : -1e9;
  let gainDb = -Infinity;
  let spurDb = -Infinity;
  for (let k = 0; k < spec.length; k++) {
    if (Math.abs(k - center) <= MAIN_LOBE) gainDb = Math.max(gainDb, spec[k]!);
    else spurDb = Math.max(spurDb, spec[k]!);
  }
  return { gainDb, spurDb };
}

/** Frequency of output bin nearest `hz` for an n-point spectrum at `rate`. */
export function onBin(hz: number, rate: number, n = 16384): number {
  return (Math.round((hz * n) / rate) * rate) / n;
}
