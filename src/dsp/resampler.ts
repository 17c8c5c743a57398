/**
 * `createResampler`: streaming resampling for any rate pair. One polyphase stage (polyphase.ts), or
 * a cascade of two (see `plan`). History is carried across calls, so any block split gives
 * identical output.
 */
import { HalfbandDecimator } from './halfband.ts';
import type { EquirippleDesigner } from './phase-table.ts';
import { DEFAULT_STOPBAND_DB, PolyphaseResampler, RUN_MAX_PHASES } from './polyphase.ts';
import { rationalRatio } from './rational.ts';
import { equirippleTable } from './remez.ts';
import { storedTable } from './stored-designs.ts';

/** Tuning knobs; the defaults meet ≥ 90 dB stopband and ≤ 0.05 dB ripple to 0.4375 × min rate. */
export interface ResamplerOptions {
  /** Passband edge as a fraction of the lower of the two rates (default 0.4375: 7 kHz at 16 kHz). */
  passband?: number;
  /**
   * Stopband attenuation the filter is designed for, in dB. Default: 93 for the equiripple designs
   * used when L ≤ 8 (48k → 24k, 24k ↔ 48k, 16k → 24k, the 24k → 16k stage; measured ≥ 93), 96 for
   * the Kaiser designs of large L (the 22.05k → 16k stage of 44.1k → 16k; 108 for the wide-transition
   * stage of 24k → 44.1k).
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
  return plan(fromHz, toHz, options, storedOrDesigned);
}

/** A stored design when there is one (the same to 2⁻²¹, without the design time), else Remez's. */
const storedOrDesigned: EquirippleDesigner = (...args) =>
  storedTable(...args) ?? equirippleTable(...args);

/**
 * {@link createResampler} with the default options, for the SDK's own pipes: the rates are still
 * checked (a model's audio names its own), and the worker ships no option checks it never needs.
 * Its filters are all Kaiser designs: the worker ships neither the equiripple designer (remez.ts)
 * nor stored coefficients (~0.9 KB gzipped together), for ~13% more taps in the sharp stage and
 * ~0.3 ms more look-ahead at the same ≥ 90 dB stopband and 0.05 dB ripple (the unit tests hold
 * both design paths to those bounds).
 */
export function createDefaultResampler(fromHz: number, toHz: number): Resampler {
  checkRate('fromHz', fromHz);
  checkRate('toHz', toHz);
  return plan(fromHz, toHz, {}, kaiserOnly);
}

/** No equiripple table: every stage keeps its Kaiser design. */
const kaiserOnly: EquirippleDesigner = () => null;

/**
 * The cheapest chain of stages for a rate pair. The sharp filter (7 kHz pass, 8 kHz stop at 16 kHz)
 * costs taps in proportion to the rate it runs at, and only small L (≤ 8) gets the fast kernels
 * (folded symmetric rows, rows shared by runs of outputs), so:
 * - below half the input rate, a half-band decimator first halves the rate cheaply and the sharp
 *   filter runs at the lower rate (48k → 16k: 2 × 10 + 58 multiply-adds per output, instead of ~116);
 * - upsampling with a large L (24k → 44.1k) first doubles the rate with the sharp filter (L = 2,
 *   folded), then a large-L stage with a wide transition (16 taps) goes to the output rate: about
 *   twice as fast as one large-L stage with the sharp filter (88 taps).
 * (Downsampling with a large L, 44.1k → 16k, stays a half-band then one large-L stage: a cascade
 * through 24k measured no faster, as the large-L kernel's cost per output dominates at few taps.)
 */
function plan(
  fromHz: number,
  toHz: number,
  options: ResamplerOptions,
  equi: EquirippleDesigner,
): Resampler & Stage {
  if (fromHz === toHz) return passthrough(fromHz);
  if (toHz < fromHz / 2) {
    // Aliases into [0, toHz/2] after halving come from above fromHz/2 − toHz/2: stop there.
    const db = (options.stopbandDb ?? DEFAULT_STOPBAND_DB) + HALFBAND_EXTRA_DB;
    const first = new HalfbandDecimator(0.5 - (0.5 * toHz) / fromHz, db);
    return new Cascade(fromHz, toHz, first, first.lookahead, plan(fromHz / 2, toHz, options, equi));
  }
  if (toHz > fromHz && rationalRatio(fromHz, toHz)[0] > RUN_MAX_PHASES) {
    const mid = 2 * fromHz;
    const first = new PolyphaseResampler(fromHz, mid, options, equi);
    // After the sharp doubling only its images remain above fromHz / 2, the first at 1.5 × fromHz:
    // flat to fromHz / 2 (−0.05 dB there) so it leaves alone what the sharp stage keeps.
    const band = { passHz: fromHz / 2, stopHz: 1.5 * fromHz };
    const db = (options.stopbandDb ?? DEFAULT_STOPBAND_DB) + WIDE_EXTRA_DB;
    const second = new PolyphaseResampler(mid, toHz, { ...options, stopbandDb: db }, equi, band);
    return new Cascade(fromHz, toHz, first, first.latency.inputSamples, second);
  }
  return new PolyphaseResampler(fromHz, toHz, options, equi);
}

/** Extra attenuation of the half-band stage over the target: its taps are cheap. */
const HALFBAND_EXTRA_DB = 6;
/**
 * The same for the wide-transition stage of an upsampling cascade: at the default its images near
 * the stop edge summed to −97 dB against sox; 12 dB more (4 more taps) gives 105 dB.
 */
const WIDE_EXTRA_DB = 12;

/** A stage inside a cascade: takes the previous stage's output as it is (the half-band's is 64-bit). */
interface Stage {
  process(input: Float32Array | Float64Array): Float32Array | Float64Array;
  /** The held-back tail; the stage is then reset. */
  flush(): Float32Array | Float64Array;
  reset(): void;
}

/** Two stages in series; its latency is theirs added, its length after flush the exact total. */
class Cascade implements Resampler, Stage {
  readonly latency: ResamplerLatency;
  private consumed = 0;
  private produced = 0;

  constructor(
    readonly fromHz: number,
    readonly toHz: number,
    private readonly first: Stage,
    firstLookahead: number,
    private readonly second: Resampler & Stage,
  ) {
    const inputSamples = firstLookahead + (second.latency.inputSamples * fromHz) / second.fromHz;
    this.latency = {
      inputSamples,
      outputSamples: (inputSamples * toHz) / fromHz,
      seconds: inputSamples / fromHz,
    };
  }

  process(input: Float32Array | Float64Array): Float32Array {
    this.consumed += input.length;
    const out = this.second.process(this.first.process(input)) as Float32Array;
    this.produced += out.length;
    return out;
  }

  flush(): Float32Array {
    const a = this.second.process(this.first.flush());
    const b = this.second.flush();
    // Each stage rounds its own length up; trim to ceil(input × to / from) overall.
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

function passthrough(hz: number): Resampler & Stage {
  return {
    fromHz: hz,
    toHz: hz,
    latency: { inputSamples: 0, outputSamples: 0, seconds: 0 },
    process: (input: Float32Array | Float64Array) => new Float32Array(input),
    flush: () => new Float32Array(0),
    reset: () => {},
  };
}
