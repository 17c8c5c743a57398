/**
 * The two hot paths of the Live API audio wire: float ↔ base64 of little-endian PCM16. Encoding
 * runs 50 times a second: the PCM bytes of a frame live in one buffer reused from call to call
 * (the encoder reads it synchronously; nothing keeps it), so in steady state (same-size frames)
 * only the base64 string is allocated. Decoding allocates the float samples it returns, which
 * the worker hands on to the playback worklet.
 */
import { decodeBase64, encodeBase64 } from './base64.ts';
import { bytesToFloat, floatToPcm16, LITTLE_ENDIAN, pcm16ToBytes, writePcm16 } from './pcm.ts';

let pcm = new Int16Array(0);
let pcmBytes = new Uint8Array(0);

/** Float samples → PCM16 little-endian → base64 (the `realtimeInput.audio.data` payload). */
export function encodePcm16Base64(input: Float32Array): string {
  // Big-endian platforms, and one-off blocks over 32k samples, go the allocating way.
  if (!LITTLE_ENDIAN || input.length > 32768)
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
  return bytesToFloat(decodeBase64(text));
}
