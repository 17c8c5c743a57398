/**
 * The fake microphone signal of the hand-off bench: 10 s of deterministic low-passed noise at
 * 16 kHz. Noise (not a tone or a sweep) because every 20 ms frame of it is unique: a frame found
 * in the reference tells exactly which audio it carries, so lost or repeated audio across a
 * hand-off shows up as a jump in position, independent of clocks and arrival timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { wavBytes } from '../../test/support/fixtures.ts';

export const SIGNAL_RATE = 16000;
/** A whole number of Chromium's 10 ms device buffers, so the file loops without a pause. */
const PERIOD_S = 10;
/** Kept well inside every resampler's passband on the way (16k → device → context → 16k). */
const CUTOFF_HZ = 5000;
/** Clearly audible; the emulator's VAD is switched off by the bench, not by a quiet signal. */
const RMS_DBFS = -20;

/** Deterministic PRNG (mulberry32): the same reference on every run and machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The reference as PCM16 (what the file holds, sample for sample). */
export function referencePcm(): Int16Array {
  const n = SIGNAL_RATE * PERIOD_S;
  const rand = mulberry32(0x1a2b3c4d);
  const white = new Float64Array(n);
  for (let i = 0; i < n; i++) white[i] = rand() * 2 - 1;
  // Windowed-sinc low-pass applied circularly, so the loop point is as smooth as the rest.
  const taps = 63;
  const half = (taps - 1) / 2;
  const fc = CUTOFF_HZ / SIGNAL_RATE;
  const h = new Float64Array(taps);
  for (let k = 0; k < taps; k++) {
    const x = k - half;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    h[k] =
      sinc *
      (0.42 -
        0.5 * Math.cos((2 * Math.PI * k) / (taps - 1)) +
        0.08 * Math.cos((4 * Math.PI * k) / (taps - 1)));
  }
  const y = new Float64Array(n);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < taps; k++) acc += h[k]! * white[(i - k + half + n) % n]!;
    y[i] = acc;
    energy += acc * acc;
  }
  const gain = (10 ** (RMS_DBFS / 20) * 32767) / Math.sqrt(energy / n);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(y[i]! * gain)));
  return out;
}

/** Writes `pcm` as a 16 kHz mono s16 WAV (Chromium accepts 16 kHz files: docs/testing.md). */
export function writeWav(path: string, pcm: Int16Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, wavBytes(pcm, SIGNAL_RATE));
}
