/**
 * Naive streaming linear interpolation: the "what most demo code does" baseline for the resampler
 * benchmark. No anti-alias filter at all, so it aliases freely when downsampling.
 */
export interface StreamingResampler {
  process(input: Float32Array): Float32Array;
  flush(): Float32Array;
}

export function createLinearResampler(fromHz: number, toHz: number): StreamingResampler {
  const step = fromHz / toHz;
  let prev = 0; // last sample of the previous block (input index −1 relative to the block)
  let pos = 0; // next output's position relative to the current block start (≥ −1)
  return {
    process(input) {
      const n = input.length;
      // Outputs need positions ≤ n − 1 so that both neighbours exist.
      const count = Math.max(0, Math.floor((n - 1 - pos) / step) + 1);
      const out = new Float32Array(count);
      for (let k = 0; k < count; k++) {
        const t = pos + k * step;
        const i = Math.floor(t);
        const a = i < 0 ? prev : input[i]!;
        const b = input[i + 1] ?? a;
        out[k] = a + (b - a) * (t - i);
      }
      pos += count * step - n;
      if (n > 0) prev = input[n - 1]!;
      return out;
    },
    flush() {
      prev = 0;
      pos = 0;
      return new Float32Array(0);
    },
  };
}
