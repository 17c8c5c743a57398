/**
 * `live-agent/dsp`: resampling and PCM16/base64 codecs for the audio paths. Pure computation with
 * no DOM or Web Audio imports, so it runs on the main thread, in a Worker or in an AudioWorklet.
 */

/** Streaming Kaiser-windowed-sinc polyphase resampler between any two rates; state across blocks. */
export { createResampler } from './resampler.ts';
/** The resampler's interface, options and latency report. */
export type { Resampler, ResamplerLatency, ResamplerOptions } from './resampler.ts';

/** Float → Int16 (clamped, rounded half away from zero, NaN → 0); scale 32768. */
export { floatToPcm16 } from './pcm.ts';
/** Int16 → float in [−1, 1) (divides by 32768, so Int16 → float → Int16 is exact). */
export { pcm16ToFloat } from './pcm.ts';
/** Int16 samples → little-endian bytes, on any platform endianness. */
export { pcm16ToBytes } from './pcm.ts';
/** Little-endian bytes → Int16 samples; throws on an odd byte count. */
export { bytesToPcm16 } from './pcm.ts';
/** Little-endian PCM16 bytes → float samples in one pass. */
export { bytesToFloat } from './pcm.ts';

/** Bytes → standard padded base64, using a native encoder when the platform has one. */
export { encodeBase64 } from './base64.ts';
/** Standard or URL-safe base64, padding optional → bytes; throws `SyntaxError` on bad input. */
export { decodeBase64 } from './base64.ts';

/** Float samples → base64 of little-endian PCM16: the microphone hot path. */
export { encodePcm16Base64 } from './pcm-base64.ts';
/** Base64 of little-endian PCM16 → float samples: the speaker hot path. */
export { decodePcm16Base64 } from './pcm-base64.ts';
