/**
 * The dedicated video worker (dist/live-agent-video-encoder.worker.js), one while video is on: it
 * scales, compares and JPEG-encodes frames so that the transport's worker, which carries the
 * microphone and the socket, never stalls on pixels. Started by src/video/web-video.ts on
 * startVideo(), kept across a switch of source, and terminated on stopVideo()/disconnect()/dispose().
 */
import type { VideoWorkerInit } from '../video/messages.ts';
import { createVideoEncoder, type VideoEncoder } from './video-encoder.ts';

// Each init is a new run (a switch of source): the previous run's encoder closes first.
let encoder: VideoEncoder | null = null;
self.onmessage = (e: MessageEvent<VideoWorkerInit>) => {
  const { feed, socket, settings } = e.data;
  encoder?.close();
  encoder = createVideoEncoder(feed, socket, settings);
};
