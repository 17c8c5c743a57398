/**
 * Streaming half-band decimator by 2 (Kaiser-windowed sinc at a quarter of the input rate). Every
 * other coefficient of a half-band filter is zero and the centre one is ½, so an output costs K
 * multiplications (folded symmetric pairs) for a window of 4K−1 inputs. Used as a cheap first stage
 * when the output rate is below half the input rate: it moves the expensive sharp filter to half
 * the rate, where it needs half the taps.
 */
import { InputBuffer } from './input-buffer.ts';
import { besselI0, kaiserBeta } from './kaiser.ts';

/**
 * Pairs K for a half-band filter whose stopband starts at `stopCycles` (cycles per input sample,
 * > 0.25) with `db` of attenuation: Kaiser's length (A − 7.95)/(14.36·Δf), Δf = 2·(stop − ¼).
 */
export function halfbandPairs(stopCycles: number, db: number): number {
  const length = (db - 7.95) / (14.36 * 2 * (stopCycles - 0.25));
  return Math.max(1, Math.ceil(length / 4));
}

/** Coefficients of the odd offsets ±1, ±3, …, ±(2K−1), scaled so that the DC gain is exactly 1. */
export function designHalfband(pairs: number, db: number): Float64Array {
  const beta = kaiserBeta(db);
  const half = 2 * pairs; // the window reaches zero at ±2K
  const i0Beta = besselI0(beta);
  const c = new Float64Array(pairs);
  let sum = 0;
  for (let j = 0; j < pairs; j++) {
    const n = 2 * j + 1;
    const u = n / half;
    const sinc = Math.sin((Math.PI * n) / 2) / ((Math.PI * n) / 2);
    c[j] = 0.5 * sinc * (besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta);
    sum += 2 * c[j]!;
  }
  for (let j = 0; j < pairs; j++) c[j] = (c[j]! * 0.5) / sum;
  return c;
}

export class HalfbandDecimator {
  private readonly coef: Float64Array;
  private readonly pairs: number;
  private readonly input = new InputBuffer();
  private center = 0; // input index of the next output's centre sample
  private consumed = 0;
  private produced = 0;
  private out = new Float64Array(0);

  constructor(stopCycles: number, db: number) {
    this.pairs = halfbandPairs(stopCycles, db);
    this.coef = designHalfband(this.pairs, db);
    this.reset();
  }

  /** Look-ahead in input samples. */
  get lookahead(): number {
    return 2 * this.pairs - 1;
  }

  reset(): void {
    const history = 2 * this.pairs - 1;
    this.input.reset(history);
    this.center = history;
    this.consumed = 0;
    this.produced = 0;
  }

  /** Appends input; returns a view of an internal buffer (valid until the next call). */
  process(input: Float32Array | Float64Array): Float64Array {
    this.input.append(input);
    this.consumed += input.length;
    return this.drain(Infinity);
  }

  /**
   * Pads the look-ahead with zeros, returns the last ceil(consumed / 2) − produced outputs (a view,
   * as from process) and resets for a new stream.
   */
  flush(): Float64Array {
    this.input.pad(2 * this.pairs - 1);
    const tail = this.drain(Math.ceil(this.consumed / 2) - this.produced);
    this.reset(); // leaves `out`, which the tail views, alone
    return tail;
  }

  private drain(limit: number): Float64Array {
    const { coef, pairs } = this;
    const buf = this.input.data;
    const reach = 2 * pairs - 1;
    const avail = this.input.length - reach - this.center; // centres still fully inside the buffer
    const count = Math.max(0, Math.min(limit, Math.ceil(avail / 2)));
    if (this.out.length < count) this.out = new Float64Array(Math.max(count, 2 * this.out.length));
    const out = this.out;
    let c = this.center;
    let k = 0;
    // Four outputs at a time: their odd-offset inputs overlap, so each is loaded once and slid
    // through registers (f forward, b backward), as in the polyphase kernels.
    for (; k + 4 <= count; k += 4, c += 8) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let f0 = buf[c + 1]!;
      let f1 = buf[c + 3]!;
      let f2 = buf[c + 5]!;
      let f3 = buf[c + 7]!;
      let b0 = buf[c - 1]!;
      let b1 = f0;
      let b2 = f1;
      let b3 = f2;
      // The last pair apart: its loads would reach one input past the windows.
      const last = pairs - 1;
      for (let j = 0; j < last; j++) {
        const w = coef[j]!;
        a0 += w * (f0 + b0);
        a1 += w * (f1 + b1);
        a2 += w * (f2 + b2);
        a3 += w * (f3 + b3);
        f0 = f1;
        f1 = f2;
        f2 = f3;
        f3 = buf[c + 2 * j + 9]!;
        b3 = b2;
        b2 = b1;
        b1 = b0;
        b0 = buf[c - 2 * j - 3]!;
      }
      const w = coef[last]!;
      a0 += w * (f0 + b0);
      a1 += w * (f1 + b1);
      a2 += w * (f2 + b2);
      a3 += w * (f3 + b3);
      out[k] = 0.5 * buf[c]! + a0;
      out[k + 1] = 0.5 * buf[c + 2]! + a1;
      out[k + 2] = 0.5 * buf[c + 4]! + a2;
      out[k + 3] = 0.5 * buf[c + 6]! + a3;
    }
    // The rest alone, summed in the same order (block splits give identical output).
    for (; k < count; k++, c += 2) {
      let a = 0;
      for (let j = 0; j < pairs; j++) a += coef[j]! * (buf[c - 2 * j - 1]! + buf[c + 2 * j + 1]!);
      out[k] = 0.5 * buf[c]! + a;
    }
    this.center = c;
    this.produced += count;
    const drop = Math.max(0, Math.min(this.center - reach, this.input.length));
    this.input.drop(drop);
    this.center -= drop;
    return out.subarray(0, count);
  }
}
