/**
 * The SDK's real transport and media built from source for browser tests: Vite serves the worker
 * and the worklets as TypeScript (the built dist/ is tested by the package project).
 */
import captureUrl from '../../worklets/capture.worklet.ts?worker&url';
import playbackUrl from '../../worklets/playback.worklet.ts?worker&url';
import { createWorkerTransport } from '../../src/transport/worker-transport.ts';
import {
  createWebAudioMedia,
  type AudioOptions,
  type WebAudioMedia,
} from '../../src/audio/index.ts';
import type { LiveTransport } from '../../src/core/transport.ts';

/** Worklet URLs of the source tree. */
export const workletUrls = { capture: captureUrl, playback: playbackUrl };

/** The transport worker, from source. */
export function sourceWorker(): Worker {
  return new Worker(new URL('../../src/worker/live.worker.ts', import.meta.url), {
    type: 'module',
  });
}

/** The video worker (JPEG encoding), from source. */
export function sourceVideoWorker(): Worker {
  return new Worker(new URL('../../src/worker/video.worker.ts', import.meta.url), {
    type: 'module',
  });
}

/** A worker transport running the source worker (a fresh one per session run, like the default). */
export function sourceTransport(worker: () => Worker = sourceWorker): LiveTransport {
  return createWorkerTransport({ worker });
}

/** Web Audio media loading the source worklets. */
export function sourceMedia(options: AudioOptions = {}): WebAudioMedia {
  return createWebAudioMedia({ workletUrls, ...options });
}
