/**
 * High-quality reference resampling through SoX (`rate -v`, very high quality, linear phase, delay
 * compensated), and the SNR of another resampler's output against it after lag alignment.
 */
import { spawnSync } from 'node:child_process';

/** Resamples with `sox … rate -v`, raw f32 through stdin/stdout; null when sox is unavailable. */
export function soxResample(
  input: Float32Array,
  fromHz: number,
  toHz: number,
): Float32Array | null {
  const args = [
    '-t',
    'f32',
    '-r',
    `${fromHz}`,
    '-c',
    '1',
    '-',
    '-t',
    'f32',
    '-',
    'rate',
    '-v',
    `${toHz}`,
  ];
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const res = spawnSync('sox', args, { input: bytes, maxBuffer: 1 << 28 });
  if (res.status !== 0 || !res.stdout) return null;
  const out = new Uint8Array(res.stdout);
  return new Float32Array(out.buffer, out.byteOffset, Math.floor(out.byteLength / 4));
}

export interface SnrResult {
  /** Signal-to-noise ratio in dB against the reference. */
  snrDb: number;
  /** Integer lag (output samples) that aligned `test` with the reference. */
  lag: number;
}

/** SNR of `test` vs `ref` over the middle 80%, at the integer lag in ±`maxLag` that maximises it. */
export function snrAgainst(ref: Float32Array, test: Float32Array, maxLag = 64): SnrResult {
  const n = Math.min(ref.length, test.length);
  const from = Math.floor(n * 0.1) + maxLag;
  const to = Math.floor(n * 0.9) - maxLag;
  let best: SnrResult = { snrDb: -Infinity, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sig = 0;
    let err = 0;
    for (let i = from; i < to; i++) {
      const r = ref[i]!;
      const d = r - test[i + lag]!;
      sig += r * r;
      err += d * d;
    }
    const snrDb = 10 * Math.log10(sig / Math.max(err, 1e-30));
    if (snrDb > best.snrDb) best = { snrDb, lag };
  }
  return best;
}
