import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  bytesToFloat,
  bytesToPcm16,
  decodeBase64,
  decodePcm16Base64,
  encodeBase64,
  encodePcm16Base64,
  floatToPcm16,
  pcm16ToBytes,
  pcm16ToFloat,
} from '../../src/dsp/index.ts';
import { encodePortable } from '../../src/dsp/base64.ts';

const bytesOf = (s: string) => new TextEncoder().encode(s);

describe('PCM16', () => {
  it('clamps out-of-range floats and maps NaN to 0', () => {
    const out = floatToPcm16(new Float32Array([2, 1, -1, -3, NaN, Infinity, -Infinity]));
    expect([...out]).toEqual([32767, 32767, -32768, -32768, 0, 32767, -32768]);
  });

  it('rounds half away from zero, symmetrically', () => {
    const h = 0.5 / 32768;
    const out = floatToPcm16(new Float32Array([h, -h, 3 * h, -3 * h, 0.4 / 32768, -0.4 / 32768]));
    expect([...out]).toEqual([1, -1, 2, -2, 0, 0]);
  });

  it('every Int16 survives Int16 → float → Int16', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const f = pcm16ToFloat(all);
    expect(f[0]).toBe(-1);
    expect(Math.max(...f)).toBeLessThan(1);
    expect(floatToPcm16(f)).toEqual(all);
  });

  it('float → Int16 → float error is at most half a step (−96 dB)', () => {
    const x = new Float32Array(1000);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 0.99;
    const y = pcm16ToFloat(floatToPcm16(x));
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(x[i]! - y[i]!));
    expect(err).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it('bytes are little-endian and round-trip', () => {
    const pcm = new Int16Array([1, -2, 0x1234, -32768]);
    const bytes = pcm16ToBytes(pcm);
    expect([...bytes]).toEqual([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12, 0x00, 0x80]);
    expect(bytesToPcm16(bytes)).toEqual(pcm);
    expect([...bytesToFloat(bytes)]).toEqual([...pcm16ToFloat(pcm)]);
    // A view into a larger buffer at an odd offset still reads the right bytes.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(bytesToPcm16(shifted.subarray(1))).toEqual(pcm);
  });

  it('rejects an odd byte count', () => {
    expect(() => bytesToPcm16(new Uint8Array(3))).toThrow(/even number of bytes, got 3/);
    expect(() => bytesToFloat(new Uint8Array(1))).toThrow(RangeError);
  });
});

describe('base64', () => {
  // RFC 4648 §10 test vectors.
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [plain, encoded] of vectors) {
    it(`RFC 4648 vector "${plain}" ↔ "${encoded}"`, () => {
      expect(encodeBase64(bytesOf(plain))).toBe(encoded);
      expect(encodePortable(bytesOf(plain))).toBe(encoded);
      expect(decodeBase64(encoded)).toEqual(bytesOf(plain));
      expect(decodeBase64(encoded.replace(/=+$/, ''))).toEqual(bytesOf(plain));
    });
  }

  const sameBytes = (a: Uint8Array, b: Uint8Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

  it('matches Node Buffer for random data of every length 0..300 and 100 kB', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (const n of [...Array(301).keys(), 100_000]) {
      const data = new Uint8Array(n).map(next);
      const expected = Buffer.from(data).toString('base64');
      expect(encodePortable(data)).toBe(expected);
      expect(encodeBase64(data)).toBe(expected);
      // Byte comparison through Buffer: a deep toEqual over 100 kB took seconds on a loaded machine.
      expect(sameBytes(decodeBase64(expected), data)).toBe(true);
      expect(sameBytes(decodeBase64(Buffer.from(data).toString('base64url')), data)).toBe(true);
    }
  });

  it('encodes a view into a larger buffer, not the whole buffer', () => {
    const whole = bytesOf('xxfooxx');
    expect(encodeBase64(whole.subarray(2, 5))).toBe('Zm9v');
    expect(encodePortable(whole.subarray(2, 5))).toBe('Zm9v');
  });

  it('accepts the URL-safe alphabet (as ADK sends) with or without padding', () => {
    const data = new Uint8Array([0xfb, 0xff, 0xbf, 0xfe]);
    expect(encodeBase64(data)).toBe('+/+//g==');
    expect(decodeBase64('-_-__g')).toEqual(data);
    expect(decodeBase64('-_-__g==')).toEqual(data);
  });

  it('rejects invalid characters and impossible lengths with the position', () => {
    expect(() => decodeBase64('Zm9v!mFy')).toThrow(/character "!" at position 4/);
    expect(() => decodeBase64('Zm 9v')).toThrow(SyntaxError);
    expect(() => decodeBase64('Zm9vémFy')).toThrow(/position 4/);
    expect(() => decodeBase64('Zm9vY')).toThrow(/cannot encode whole bytes/);
    expect(() => decodeBase64('Zg=')).toThrow(/multiple of 4/);
    expect(() => decodeBase64('Zg=a')).toThrow(/position 2/);
  });
});

describe('PCM16 base64 hot paths', () => {
  it('encodes floats to base64 of little-endian PCM16 and back', () => {
    const x = new Float32Array([0, 0.5, -0.5, 1, -1]);
    const text = encodePcm16Base64(x);
    expect(text).toBe(
      Buffer.from(new Uint8Array([0, 0, 0, 64, 0, 192, 255, 127, 0, 128])).toString('base64'),
    );
    expect([...decodePcm16Base64(text)]).toEqual([0, 0.5, -0.5, 32767 / 32768, -1]);
  });

  it('decodes URL-safe payloads and rejects odd byte counts', () => {
    const pcm = new Int16Array([-1, 12345, -12345]);
    const url = Buffer.from(pcm.buffer).toString('base64url');
    expect([...decodePcm16Base64(url)]).toEqual([...pcm16ToFloat(pcm)]);
    expect(() => decodePcm16Base64('AA')).toThrow(/even number of bytes/);
  });

  it('reuses its conversion buffers without results sharing them, for any size', () => {
    // Frame sizes change (the reuse buffer is re-sized), one exceeds the 32k-sample reuse bound.
    const sizes = [320, 320, 7, 960, 320, 40_000, 1, 320];
    const inputs = sizes.map((n, k) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * (k + 1) * 0.01) * 0.9),
    );
    const texts = inputs.map(encodePcm16Base64);
    const decoded = texts.map(decodePcm16Base64);
    inputs.forEach((x, k) => {
      expect(texts[k]).toBe(Buffer.from(pcm16ToBytes(floatToPcm16(x))).toString('base64'));
      // Decoded earlier, checked after every later decode: no result is a view of a shared buffer.
      expect([...decoded[k]!]).toEqual([...pcm16ToFloat(floatToPcm16(x))]);
    });
    // A refused chunk leaves the next one intact.
    expect(() => decodePcm16Base64('AAA*')).toThrow(SyntaxError);
    expect([...decodePcm16Base64(texts[0]!)]).toEqual([...decoded[0]!]);
  });
});
