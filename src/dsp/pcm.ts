/**
 * 16-bit PCM codecs. The scale is 32768 both ways (the Web Audio convention), so every Int16 value
 * survives a round trip through float exactly; +1.0 clips to 32767. Byte order is always little
 * endian (the Gemini Live wire format), whatever the platform's.
 */

const SCALE = 32768;

/** True when typed arrays store integers little-endian, so bytes can be copied as is. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Float samples (nominally −1..1) to Int16: clamped, rounded half away from zero (no DC bias from
 * rounding), NaN → 0.
 */
export function floatToPcm16(input: Float32Array): Int16Array {
  return writePcm16(input, new Int16Array(input.length));
}

/** {@link floatToPcm16} into `out` (at least as long as `input`); returns `out`. */
export function writePcm16(input: Float32Array, out: Int16Array): Int16Array {
  for (let i = 0; i < input.length; i++) {
    const v = input[i]! * SCALE;
    if (v >= 32767) out[i] = 32767;
    else if (v <= -32768) out[i] = -32768;
    else if (v >= 0) out[i] = Math.floor(v + 0.5);
    else if (v < 0) out[i] = -Math.floor(0.5 - v);
    // NaN fails every comparison and stays 0.
  }
  return out;
}

/** Int16 samples to float in [−1, 1). */
export function pcm16ToFloat(input: Int16Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! / SCALE;
  return out;
}

/** Int16 samples to little-endian bytes (a copy). */
export function pcm16ToBytes(input: Int16Array): Uint8Array {
  if (LITTLE_ENDIAN)
    return new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice();
  const out = new Uint8Array(input.length * 2);
  for (let i = 0; i < input.length; i++) {
    const v = input[i]!;
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = (v >> 8) & 0xff;
  }
  return out;
}

/** Little-endian bytes to Int16 samples (a copy); throws on an odd byte count. */
export function bytesToPcm16(bytes: Uint8Array): Int16Array {
  checkEven(bytes.length);
  const out = new Int16Array(bytes.length / 2);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

/** Little-endian PCM16 bytes straight to float, without an intermediate Int16Array. */
export function bytesToFloat(bytes: Uint8Array): Float32Array {
  checkEven(bytes.length);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    // Shift up and back down to sign-extend the 16-bit value.
    out[i] = (((bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16) >> 16) / SCALE;
  }
  return out;
}

function checkEven(length: number): void {
  if (length % 2 !== 0) {
    throw new RangeError(`PCM16 data must have an even number of bytes, got ${length}`);
  }
}
