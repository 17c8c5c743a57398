/**
 * PCM16 helpers for the emulator. Deliberately independent of the browser SDK's DSP: the emulator
 * is the reference the SDK is tested against, so it must not share its bugs.
 */

/** Decodes base64 little-endian PCM16 into samples; throws on malformed base64. */
export function decodePcm16(base64: string): Int16Array {
  // Buffer.from silently skips bad characters; Google rejects them, so validate first.
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new Error('invalid base64 audio');
  const bytes = Buffer.from(base64, 'base64');
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return samples;
}

/** Encodes samples as base64 little-endian PCM16. */
export function encodePcm16(samples: Int16Array): string {
  const bytes = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i] ?? 0, i * 2);
  return bytes.toString('base64');
}

/** Reads the sample rate from a mime type like `audio/pcm;rate=16000` (default 16 kHz). */
export function rateOf(mimeType: string | undefined): number {
  const m = /rate=(\d+)/.exec(mimeType ?? '');
  return m ? Number(m[1]) : 16000;
}

/** Linear-interpolation resampler: fine for a test voice, not for hi-fi. */
export function resample(input: Int16Array, fromHz: number, toHz: number): Int16Array {
  if (fromHz === toHz || input.length === 0) return input.slice();
  const outLength = Math.floor((input.length * toHz) / fromHz);
  const out = new Int16Array(outLength);
  const step = fromHz / toHz;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const a = input[j] ?? 0;
    const b = input[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (pos - j));
  }
  return out;
}

/** Root-mean-square level of a frame in dBFS (-Infinity for digital silence). */
export function levelDb(samples: Int16Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = (samples[i] ?? 0) / 32768;
    sum += v * v;
  }
  const n = Math.max(1, end - start);
  return 10 * Math.log10(sum / n);
}

/** Extracts mono PCM16 from a RIFF/WAVE buffer; tolerates espeak's streaming (bogus) sizes. */
export function parseWav(buf: Buffer): { rate: number; samples: Int16Array } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAVE file');
  }
  let offset = 12;
  let rate = 0;
  let channels = 1;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
    } else if (id === 'data') {
      // Streamed WAVs carry 0x7fffffff-ish sizes: trust the buffer length instead.
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels);
      return { rate, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAVE file has no data chunk');
}
