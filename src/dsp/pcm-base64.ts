/**
 * The two hot paths of the Live API audio wire: float ↔ base64 of little-endian PCM16. Each runs
 * 25–50 times a second per direction, so the intermediate PCM bytes live in buffers reused from
 * call to call (both encoders read them synchronously; nothing keeps them): only the result is
 * allocated, and in steady state (same-size frames) nothing else.
 */
import { decodeBase64Into, decodedLength, encodeBase64 } from './base64.ts';
import { bytesToFloat, floatToPcm16, LITTLE_ENDIAN, pcm16ToBytes, writePcm16 } from './pcm.ts';

/** Larger chunks get their own buffer: one hostile frame must not pin megabytes for good. */
const MAX_REUSED_BYTES = 64 * 1024;

let pcm = new Int16Array(0);
let pcmBytes = new Uint8Array(0);
let decoded = new Uint8Array(0);

/** Float samples → PCM16 little-endian → base64 (the `realtimeInput.audio.data` payload). */
export function encodePcm16Base64(input: Float32Array): string {
  if (!LITTLE_ENDIAN || input.length * 2 > MAX_REUSED_BYTES)
    return encodeBase64(pcm16ToBytes(floatToPcm16(input)));
  // Sized to the frame exactly, so the byte view is the whole buffer (no subarray per call).
  if (pcm.length !== input.length) {
    pcm = new Int16Array(input.length);
    pcmBytes = new Uint8Array(pcm.buffer);
  }
  writePcm16(input, pcm);
  return encodeBase64(pcmBytes);
}

/** Base64 (standard or URL-safe) of little-endian PCM16 → float samples. */
export function decodePcm16Base64(text: string): Float32Array {
  const n = decodedLength(text);
  if (n > MAX_REUSED_BYTES) {
    const bytes = new Uint8Array(n);
    decodeBase64Into(text, bytes);
    return bytesToFloat(bytes);
  }
  if (decoded.length < n) decoded = new Uint8Array(Math.max(n, 4096));
  decodeBase64Into(text, decoded);
  return bytesToFloat(decoded, n);
}
