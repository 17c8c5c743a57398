/**
 * Seeded property tests of the wire codecs and the resampler (the fuzz test's unit-level half):
 * round trips hold for random data, random garbage only ever fails with the documented error
 * types, and any split of a stream into blocks gives the resampler's one-shot output.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesToFloat,
  createResampler,
  decodeBase64,
  decodePcm16Base64,
  encodeBase64,
  encodePcm16Base64,
  floatToPcm16,
  pcm16ToBytes,
} from '../../src/dsp/index.ts';
import { prng } from '../support/fuzz-frames.ts';
import { readmeFigure } from '../../scripts/readme-figures.ts';

const SEED = 1612;
const randomBytes = (r: () => number, n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
};
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

describe('codec properties (500 random cases each)', () => {
  it('base64: decode(encode(x)) = x, also URL-safe and unpadded', () => {
    const r = prng(SEED);
    for (let k = 0; k < 500; k++) {
      const bytes = randomBytes(r, Math.floor(r() * 2000));
      const b64 = encodeBase64(bytes);
      // Compared as hex text: deep equality of typed arrays is slow enough to time out here.
      expect(hex(decodeBase64(b64))).toBe(hex(bytes));
      expect(hex(decodeBase64(urlSafe(b64)))).toBe(hex(bytes));
      expect(hex(decodeBase64(b64.replace(/=+$/, '')))).toBe(hex(bytes));
    }
  });

  it('base64: random text either decodes or throws a SyntaxError', () => {
    const r = prng(SEED + 1);
    const chars = 'AZaz09+/-_=!* \n\u00e9\u{1F600}';
    let refused = 0;
    for (let k = 0; k < 500; k++) {
      let text = '';
      for (let i = Math.floor(r() * 40); i > 0; i--) text += chars[Math.floor(r() * chars.length)];
      try {
        decodeBase64(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SyntaxError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('PCM16: bytes → float → bytes is the identity; odd lengths throw a RangeError', () => {
    const r = prng(SEED + 2);
    for (let k = 0; k < 500; k++) {
      const n = Math.floor(r() * 1000);
      const bytes = randomBytes(r, n);
      if (n % 2) {
        expect(() => bytesToFloat(bytes)).toThrow(RangeError);
        expect(() => decodePcm16Base64(encodeBase64(bytes))).toThrow(RangeError);
        continue;
      }
      expect(hex(pcm16ToBytes(floatToPcm16(bytesToFloat(bytes))))).toBe(hex(bytes));
      expect(encodePcm16Base64(decodePcm16Base64(encodeBase64(bytes)))).toBe(encodeBase64(bytes));
    }
  });
});

describe('resampler property: any block split gives the one-shot output', () => {
  const rates = [8000, 16000, 22050, 24000, 32000, 44100, 48000];
  const r = prng(SEED + 3);
  const cases = Array.from({ length: 24 }, () => {
    const from = rates[Math.floor(r() * rates.length)]!;
    let to = rates[Math.floor(r() * rates.length)]!;
    if (to === from) to = 48000 === from ? 24000 : 48000;
    return [from, to, Math.floor(r() * 1e9)] as const;
  });
  it.each(cases)('%i → %i (split seed %i)', (from, to, seed) => {
    const random = prng(seed);
    const input = new Float32Array(200 + Math.floor(random() * 3000));
    for (let i = 0; i < input.length; i++) input[i] = random() * 2 - 1;
    const one = createResampler(from, to);
    const whole = [...one.process(input), ...one.flush()];
    const split = createResampler(from, to);
    const parts: number[] = [];
    for (let i = 0; i < input.length;) {
      const size = Math.floor(random() * random() * 600);
      parts.push(...split.process(input.subarray(i, i + size)));
      i += size;
    }
    parts.push(...split.flush());
    expect(parts.length).toBe(whole.length);
    let maxDiff = 0;
    for (let i = 0; i < whole.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(whole[i]! - parts[i]!));
    expect(maxDiff).toBeLessThanOrEqual(readmeFigure('unit/dsp-properties', 'split-tolerance'));
  });
});
