/** The two hot paths of the Live API audio wire: float ↔ base64 of little-endian PCM16. */
import { decodeBase64, encodeBase64 } from './base64.ts';
import { bytesToFloat, floatToPcm16, pcm16ToBytes } from './pcm.ts';

/** Float samples → PCM16 little-endian → base64 (the `realtimeInput.audio.data` payload). */
export function encodePcm16Base64(input: Float32Array): string {
  return encodeBase64(pcm16ToBytes(floatToPcm16(input)));
}

/** Base64 (standard or URL-safe) of little-endian PCM16 → float samples. */
export function decodePcm16Base64(text: string): Float32Array {
  return bytesToFloat(decodeBase64(text));
}
