/**
 * The dedicated video worker (dist/live-agent-video-encoder.worker.js), one per video run: it
 * scales, compares and JPEG-encodes frames so that the transport's worker, which carries the
 * microphone and the socket, never stalls on pixels. Started by src/video/web-video.ts on
 * startVideo() and terminated on stopVideo()/disconnect()/dispose().
 */
import type { VideoWorkerInit } from '../video/messages.ts';
import { createVideoEncoder } from './video-encoder.ts';

self.onmessage = (e: MessageEvent<VideoWorkerInit>) => {
  const { feed, socket, settings } = e.data;
  self.onmessage = null;
  createVideoEncoder(feed, socket, settings);
};
