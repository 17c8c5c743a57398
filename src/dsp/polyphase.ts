/**
 * One polyphase stage: the ratio to/from is reduced to L/M; output n sits at input time n·M/L,
 * computed from `taps` input samples around it with the phase row for its fractional position.
 * History is carried across calls, so any block split gives identical output.
 */
import { InputBuffer } from './input-buffer.ts';
import { CUTOFF_POSITION, designPhaseTable, halfWidthCycles, kaiserBeta } from './kaiser.ts';
import { convolveInterpolated, convolveOne, convolveRun, convolveRunSplit } from './kernels.ts';
import { convolveRunFolded, foldRow, type FoldedRow } from './kernels-fold.ts';
import { convolvePair } from './kernels-pair.ts';
import { rationalRatio } from './rational.ts';
import type { EquirippleDesigner } from './phase-table.ts';
import type { Resampler, ResamplerLatency, ResamplerOptions } from './resampler.ts';

const INTERPOLATED_PHASES = 512;
/** Stopband design target of the Kaiser designs (large L). */
export const DEFAULT_STOPBAND_DB = 96;
/** Above this many phases, outputs rarely share a row within a block: neighbours go in pairs. */
export const RUN_MAX_PHASES = 8;
/** Equiripple designs: passband deviation (0.035 dB, within the 0.05 dB target) and stopband. */
const PASSBAND_DEVIATION = 0.004;
const EQUIRIPPLE_STOPBAND_DB = 93;
const EMPTY = new Float32Array(0);

/** A single-stage streaming polyphase resampler (see createResampler for the public entry). */
export class PolyphaseResampler implements Resampler {
  readonly latency: ResamplerLatency;
  private readonly up: number; // L
  private readonly down: number; // M
  private readonly taps: number;
  private readonly phases: number; // rows in the table that a phase maps onto (L if exact)
  private readonly exact: boolean;
  private readonly table: Float64Array;
  private readonly input = new InputBuffer();
  /** Decimating runs (L ≤ 8, M > 1): phase rows split by input phase, and de-interleaved input. */
  private readonly split: boolean;
  private readonly subLen: number;
  private readonly subTable: Float64Array;
  /** L ≤ 8: the symmetric rows folded (half the multiplications), null for the others. */
  private readonly folded: (FoldedRow | null)[];
  private z = new Float64Array(0);
  private base = 0; // input index where the next output's window starts
  private phase = 0; // next output's fractional position, in units of 1/L
  private consumed = 0; // input samples received since the last reset
  private produced = 0; // output samples emitted since the last reset

  /**
   * `band` overrides the band edges (Hz) for a stage inside a cascade whose neighbour does the sharp
   * filtering: it need only keep the passband and stop what would land in it (a wide transition).
   * `equiripple` designs the few-phase tables (the runtime designer, or the stored designs).
   */
  constructor(
    readonly fromHz: number,
    readonly toHz: number,
    options: ResamplerOptions,
    equiripple: EquirippleDesigner,
    band?: { passHz: number; stopHz: number },
  ) {
    const [up, down] = rationalRatio(fromHz, toHz);
    this.up = up;
    this.down = down;
    const db = options.stopbandDb ?? DEFAULT_STOPBAND_DB;
    const passband = options.passband ?? 0.4375;
    // Band edges relative to the lower rate: downsampling must remove what would alias, upsampling
    // must remove the images; both mean "stop at the lower Nyquist".
    const minHz = Math.min(fromHz, toHz);
    const passHz = band?.passHz ?? passband * minHz;
    const stopHz = band?.stopHz ?? 0.5 * minHz;
    this.exact = up <= (options.maxPhases ?? 1024);
    this.phases = this.exact ? up : INTERPOLATED_PHASES;
    // Few phases (integer ratios, 24k → 16k, 16k → 24k …): an equiripple design that spends the
    // passband edge's 0.05 dB slack on a shorter filter (24k → 48k: 78 taps instead of 88).
    const equi =
      this.exact && up <= RUN_MAX_PHASES
        ? equiripple(
            up,
            passHz / fromHz,
            stopHz / fromHz,
            PASSBAND_DEVIATION,
            10 ** (-(options.stopbandDb ?? EQUIRIPPLE_STOPBAND_DB) / 20),
          )
        : null;
    if (equi) {
      this.taps = equi.taps;
      this.table = equi.table;
    } else {
      const cutoff = (passHz + CUTOFF_POSITION * (stopHz - passHz)) / fromHz;
      const halfWidth = (halfWidthCycles(db) * fromHz) / (stopHz - passHz);
      // A multiple of 4 so the kernels can unroll by four without a remainder loop.
      this.taps = 4 * Math.ceil(halfWidth / 2);
      // The interpolated table has one extra row (phase 1.0) so row q+1 always exists.
      const rows = this.exact ? up : INTERPOLATED_PHASES + 1;
      this.table = designPhaseTable(
        { cutoff, taps: this.taps, beta: kaiserBeta(db) },
        this.phases,
        rows,
      );
    }
    this.folded = [];
    for (let r = 0; this.exact && r < up && up <= RUN_MAX_PHASES; r++) {
      this.folded.push(foldRow(this.table, r * this.taps, this.taps, down));
    }
    this.split = this.exact && up <= RUN_MAX_PHASES && down > 1;
    this.subLen = this.split ? 2 * Math.ceil(this.taps / (2 * down)) : 0;
    this.subTable = new Float64Array(this.split ? up * down * this.subLen : 0);
    for (let r = 0; this.split && r < up; r++) {
      if (this.folded[r]) continue; // runs on the folded kernel: its split row is never read
      for (let m = 0; m < this.taps; m++) {
        const p = m % down;
        const i = (m - p) / down;
        this.subTable[(r * down + p) * this.subLen + i] = this.table[r * this.taps + m]!;
      }
    }
    const inputSamples = this.taps / 2;
    this.latency = {
      inputSamples,
      outputSamples: (inputSamples * toHz) / fromHz,
      seconds: inputSamples / fromHz,
    };
    this.reset();
  }

  reset(): void {
    // taps/2 − 1 zeros of history put the first output's window on input time 0.
    this.input.reset(this.taps / 2 - 1);
    this.base = 0;
    this.phase = 0;
    this.consumed = 0;
    this.produced = 0;
  }

  /** Also takes the previous stage's Float64Array output (internal to a cascade). */
  process(input: Float32Array | Float64Array): Float32Array {
    this.input.append(input);
    this.consumed += input.length;
    return this.drain(Infinity);
  }

  flush(): Float32Array {
    // Zeros stand in for the future the last outputs look ahead into.
    this.input.pad(this.taps / 2);
    const total = Math.ceil((this.consumed * this.up) / this.down);
    const out = this.drain(total - this.produced);
    this.reset();
    return out;
  }

  /** Computes every output whose window is fully buffered (at most `limit`), then drops old input. */
  private drain(limit: number): Float32Array {
    const { up, down, taps } = this;
    const slots = this.input.length - taps - this.base + 1; // window starts still fully inside the buffer
    if (slots <= 0 || limit <= 0) return EMPTY.slice();
    const count = Math.min(limit, Math.ceil((slots * up - this.phase) / down));
    const out = new Float32Array(count);
    if (this.split) this.runSplit(out);
    else if (this.exact && this.up <= RUN_MAX_PHASES) this.runExact(out);
    else if (this.exact) this.runEach(out);
    else this.runInterpolated(out);
    const advanced = this.phase + count * down;
    this.base += Math.floor(advanced / up);
    this.phase = advanced % up;
    this.produced += count;
    const drop = Math.min(this.base, this.input.length);
    this.input.drop(drop);
    this.base -= drop;
    return out;
  }

  /** Outputs n and n+L share a phase row and sit M inputs apart: run each row over its outputs. */
  private runExact(out: Float32Array): void {
    const { up, down, taps, table } = this;
    const buf = this.input.data;
    const count = out.length;
    const rowsUsed = Math.min(up, count);
    const stepWhole = Math.floor(down / up);
    const stepFrac = down % up;
    let start = this.base;
    let phase = this.phase;
    for (let r = 0; r < rowsUsed; r++) {
      const run = Math.floor((count - r - 1) / up) + 1;
      const folded = this.folded[phase];
      if (folded) convolveRunFolded(buf, 0, start, 1, folded, out, r, up, run);
      else convolveRun(buf, start, down, table, phase * taps, taps, out, r, up, run);
      start += stepWhole;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        start++;
      }
    }
  }

  /** Like runExact for M > 1, on input de-interleaved into M stride-1 streams (see kernels). */
  private runSplit(out: Float32Array): void {
    const { up, down, base, subTable, subLen } = this;
    const { data: buf, length: bufLen } = this.input;
    // Sub-stream length, plus zeros for the padded taps and the kernel's one-ahead loads.
    const n = Math.ceil((bufLen - base) / down);
    const stride = n + subLen + 8;
    if (this.z.length < down * stride) this.z = new Float64Array(2 * down * stride);
    const z = this.z;
    for (let p = 0; p < down; p++) {
      const o = p * stride;
      let j = 0;
      for (let k = base + p; k < bufLen; k += down) z[o + j++] = buf[k]!;
      z.fill(0, o + j, o + stride);
    }
    const count = out.length;
    const rowsUsed = Math.min(up, count);
    const stepWhole = Math.floor(down / up);
    const stepFrac = down % up;
    let rel = 0;
    let phase = this.phase;
    for (let r = 0; r < rowsUsed; r++) {
      const run = Math.floor((count - r - 1) / up) + 1;
      const folded = this.folded[phase];
      if (folded) convolveRunFolded(z, stride, rel, down, folded, out, r, up, run);
      else {
        const row = phase * down * subLen;
        convolveRunSplit(z, stride, rel, down, subTable, row, subLen, out, r, up, run);
      }
      rel += stepWhole;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        rel++;
      }
    }
  }

  /**
   * Large L: outputs in pairs whose windows start 0, 1 or 2 inputs apart (step M/L < 2), sharing their
   * input loads; any other output alone, summed the same way (convolveOne).
   */
  private runEach(out: Float32Array): void {
    const { up, down, taps, table } = this;
    const buf = this.input.data;
    const stepWhole = Math.floor(down / up);
    const stepFrac = down % up;
    let start = this.base;
    let phase = this.phase;
    let n = 0;
    while (n < out.length) {
      let start1 = start + stepWhole;
      let phase1 = phase + stepFrac;
      if (phase1 >= up) {
        phase1 -= up;
        start1++;
      }
      const d = start1 - start;
      if (n + 1 < out.length && d <= 2) {
        convolvePair(buf, start, d, table, phase * taps, phase1 * taps, taps, out, n);
        start = start1 + stepWhole;
        phase = phase1 + stepFrac;
        if (phase >= up) {
          phase -= up;
          start++;
        }
        n += 2;
      } else {
        out[n++] = convolveOne(buf, start, table, phase * taps, taps);
        start = start1;
        phase = phase1;
      }
    }
  }

  private runInterpolated(out: Float32Array): void {
    const { up, down, taps, table } = this;
    const buf = this.input.data;
    const scale = this.phases / up;
    const stepWhole = Math.floor(down / up);
    const stepFrac = down % up;
    let start = this.base;
    let phase = this.phase;
    for (let n = 0; n < out.length; n++) {
      const pos = phase * scale;
      const row = Math.floor(pos);
      out[n] = convolveInterpolated(buf, start, table, row * taps, taps, pos - row);
      start += stepWhole;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        start++;
      }
    }
  }
}
