/**
 * `createResampler`: streaming resampling for any rate pair. One polyphase stage (polyphase.ts),
 * or a cheap half-band decimator in front of it when the output is below half the input rate.
 * History is carried across calls, so any block split gives identical output.
 */
import { HalfbandDecimator } from './halfband.ts';
import { DEFAULT_STOPBAND_DB, PolyphaseResampler } from './polyphase.ts';

/** Tuning knobs; the defaults meet ≥ 90 dB stopband and ≤ 0.05 dB ripple to 0.4375 × min rate. */
export interface ResamplerOptions {
  /** Passband edge as a fraction of the lower of the two rates (default 0.4375: 7 kHz at 16 kHz). */
  passband?: number;
  /**
   * Stopband attenuation the filter is designed for, in dB. Default: 93 for the equiripple designs
   * used when L ≤ 8 (48k → 24k, 24k ↔ 48k, 16k → 24k, the 24k → 16k stage; measured ≥ 93), 96 for
   * the Kaiser designs of large L (44.1k ↔ 16k; measured ≥ 95).
   */
  stopbandDb?: number;
  /** Largest exact phase count L; a larger L interpolates between 512 phases (default 1024). */
  maxPhases?: number;
}

/** How long the resampler holds samples back before it can emit the output for them. */
export interface ResamplerLatency {
  /** Look-ahead in input samples. */
  readonly inputSamples: number;
  /** The same look-ahead in output samples. */
  readonly outputSamples: number;
  /** The same look-ahead in seconds. */
  readonly seconds: number;
}

/** A streaming resampler for one mono channel. */
export interface Resampler {
  readonly fromHz: number;
  readonly toHz: number;
  /** Output is time-aligned with input (no delay after `flush()`); this is the look-ahead held. */
  readonly latency: ResamplerLatency;
  /** Resamples the next block; returns every output sample that can be computed so far. */
  process(input: Float32Array): Float32Array;
  /** Emits the held-back tail (total output ≈ input × to/from) and resets for a new stream. */
  flush(): Float32Array;
  /** Drops all history, as if freshly created. */
  reset(): void;
}

function checkRate(name: string, hz: number): void {
  if (typeof hz !== 'number' || !Number.isFinite(hz) || hz <= 0) {
    throw new RangeError(`createResampler: ${name} must be a positive finite number, got ${hz}`);
  }
}

function checkOptions(o: ResamplerOptions): void {
  const { passband, stopbandDb, maxPhases } = o;
  if (passband !== undefined && !(passband > 0 && passband < 0.5)) {
    throw new RangeError(`createResampler: passband must be in (0, 0.5), got ${passband}`);
  }
  if (stopbandDb !== undefined && !(stopbandDb >= 40 && stopbandDb <= 140)) {
    throw new RangeError(`createResampler: stopbandDb must be in [40, 140], got ${stopbandDb}`);
  }
  if (maxPhases !== undefined && !(Number.isInteger(maxPhases) && maxPhases >= 1)) {
    throw new RangeError(`createResampler: maxPhases must be a positive integer, got ${maxPhases}`);
  }
}

/**
 * Creates a streaming resampler from `fromHz` to `toHz` (any positive rates; integer rates are
 * converted exactly). Equal rates give a passthrough that copies.
 */
export function createResampler(
  fromHz: number,
  toHz: number,
  options: ResamplerOptions = {},
): Resampler {
  checkRate('fromHz', fromHz);
  checkRate('toHz', toHz);
  checkOptions(options);
  if (fromHz === toHz) return passthrough(fromHz);
  // Below half the input rate, a half-band decimator first halves the rate cheaply, so the sharp
  // filter runs at the lower rate with half the taps (48k → 16k: 116 + 2 × 10 multiply-adds per
  // output, then folded to 58 + 2 × 10, instead of ~230).
  if (toHz < fromHz / 2) return new HalfbandCascade(fromHz, toHz, options);
  return new PolyphaseResampler(fromHz, toHz, options);
}

/** Extra attenuation of the half-band stage over the target: its taps are cheap. */
const HALFBAND_EXTRA_DB = 6;

class HalfbandCascade implements Resampler {
  readonly latency: ResamplerLatency;
  private readonly first: HalfbandDecimator;
  private readonly second: Resampler;
  private consumed = 0;
  private produced = 0;

  constructor(
    readonly fromHz: number,
    readonly toHz: number,
    options: ResamplerOptions,
  ) {
    const db = options.stopbandDb ?? DEFAULT_STOPBAND_DB;
    // Aliases into [0, toHz/2] after halving come from above fromHz/2 − toHz/2: stop there.
    this.first = new HalfbandDecimator(0.5 - (0.5 * toHz) / fromHz, db + HALFBAND_EXTRA_DB);
    this.second = createResampler(fromHz / 2, toHz, options);
    const inputSamples = this.first.lookahead + 2 * this.second.latency.inputSamples;
    this.latency = {
      inputSamples,
      outputSamples: (inputSamples * toHz) / fromHz,
      seconds: inputSamples / fromHz,
    };
  }

  process(input: Float32Array): Float32Array {
    this.consumed += input.length;
    const out = this.second.process(this.first.process(input) as unknown as Float32Array);
    this.produced += out.length;
    return out;
  }

  flush(): Float32Array {
    const a = this.second.process(this.first.flushTail() as unknown as Float32Array);
    const b = this.second.flush();
    // The second stage rounds its own length up; trim to ceil(input × to / from) overall.
    const want = Math.ceil((this.consumed * this.toHz) / this.fromHz) - this.produced;
    const out = new Float32Array(Math.max(0, Math.min(want, a.length + b.length)));
    out.set(a.subarray(0, out.length));
    if (out.length > a.length) out.set(b.subarray(0, out.length - a.length), a.length);
    this.reset();
    return out;
  }

  reset(): void {
    this.first.reset();
    this.second.reset();
    this.consumed = 0;
    this.produced = 0;
  }
}

function passthrough(hz: number): Resampler {
  return {
    fromHz: hz,
    toHz: hz,
    latency: { inputSamples: 0, outputSamples: 0, seconds: 0 },
    process: (input) => input.slice(),
    flush: () => new Float32Array(0),
    reset: () => {},
  };
}
