/**
 * Browser media for live-agent: the microphone and speaker graph (AudioWorklets whose ports go
 * straight to the transport's worker). Named exports only; the session takes any LiveMedia.
 */
export { createWebAudioMedia, type WebAudioMedia } from './web-audio-media.ts';
export type { AudioOptions } from './options.ts';
