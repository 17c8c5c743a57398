/**
 * A filter stage's input: the history its windows look back into, then what has arrived. Both
 * stage kinds (half-band, polyphase) keep one; the kernels read `data` directly as a 64-bit array,
 * so the float → double conversion happens once per sample, on append.
 */
export class InputBuffer {
  /** Samples 0 .. length−1 are valid; the rest is spare capacity. */
  data = new Float64Array(0);
  length = 0;

  /** Starts over with `zeros` samples of silence as the past. */
  reset(zeros: number): void {
    if (this.data.length < zeros + 4096) this.data = new Float64Array(zeros + 4096);
    this.data.fill(0, 0, zeros);
    this.length = zeros;
  }

  /** Appends input after what is buffered. */
  append(input: Float32Array | Float64Array): void {
    this.reserve(input.length);
    this.data.set(input, this.length);
    this.length += input.length;
  }

  /** Appends `n` zeros: the future the last outputs look ahead into at the end of a stream. */
  pad(n: number): void {
    this.reserve(n);
    this.data.fill(0, this.length, this.length + n);
    this.length += n;
  }

  /** Forgets the first `n` samples (no window needs them any more); indices move down by `n`. */
  drop(n: number): void {
    if (n <= 0) return;
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    const grown = new Float64Array(Math.max(need, this.data.length * 2));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}
