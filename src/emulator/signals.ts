/**
 * Synthetic microphone input for tests: a voiced, speech-like PCM16 signal (harmonics with a
 * syllable envelope and a little noise) and silence, at 16 kHz by default, so VAD-driven turns
 * can be exercised without recordings.
 */

/** Speech-like PCM16 (about -16 dBFS RMS in syllables), deterministic for a given duration. */
export function speechLikePcm16(durationMs: number, rate = 16000): Int16Array {
  const n = Math.round((rate * durationMs) / 1000);
  const out = new Int16Array(n);
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f0 = 150 + 25 * Math.sin(2 * Math.PI * 0.7 * t);
    // 4 syllables per second, never fully silent inside the utterance.
    const env = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t) ** 2;
    let v = 0;
    for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    out[i] = Math.round((v * 0.25 * env + noise() * 0.02) * 32767);
  }
  return out;
}

/** Digital silence (or very low noise with `noiseDb`, e.g. -70) of the given length. */
export function silencePcm16(durationMs: number, rate = 16000, noiseDb?: number): Int16Array {
  const out = new Int16Array(Math.round((rate * durationMs) / 1000));
  if (noiseDb === undefined) return out;
  const amp = 10 ** (noiseDb / 20) * 32767 * Math.SQRT2;
  for (let i = 0; i < out.length; i++) out[i] = Math.round((Math.random() * 2 - 1) * amp);
  return out;
}

/** Splits PCM into chunks of `chunkMs` (what a microphone pipeline sends per frame). */
export function chunkPcm16(samples: Int16Array, chunkMs = 40, rate = 16000): Int16Array[] {
  const len = Math.max(1, Math.round((rate * chunkMs) / 1000));
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += len) out.push(samples.subarray(i, i + len));
  return out;
}
