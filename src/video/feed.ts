/**
 * Getting frames of a track to the worker with as little main-thread work as the engine allows.
 * Chromium: a MediaStreamTrackProcessor's stream is transferred once; the worker pulls one
 * VideoFrame per tick and the processor drops the rest natively (no per-frame main-thread code
 * beyond the stream's own hand-over). Elsewhere: a muted <video> and, per tick, one VideoFrame of
 * its current picture (WebCodecs: Firefox, Safari; it references the picture, no copy on this
 * thread) or else one createImageBitmap (scaled by the browser), transferred, never more than one
 * waiting for the worker.
 */
import type { VideoEncodeSettings } from '../core/video.ts';
import type { VideoFeedMessage, VideoPipeMessage } from './messages.ts';

interface ProcessorCtor {
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): {
    readable: ReadableStream<VideoFrame>;
  };
}

/** Starts feeding `track`'s frames to `port`; returns the stop function. */
export function startFeed(
  track: MediaStreamTrack,
  port: MessagePort,
  settings: VideoEncodeSettings,
  timing: { now(): number; mainMs(ms: number): void },
): () => void {
  const Processor = (globalThis as { MediaStreamTrackProcessor?: ProcessorCtor })
    .MediaStreamTrackProcessor;
  if (Processor) {
    try {
      const t0 = timing.now();
      const { readable } = new Processor({ track, maxBufferSize: 1 });
      port.postMessage({ type: 'stream', readable } satisfies VideoFeedMessage, [readable]);
      timing.mainMs(timing.now() - t0);
      return () => port.postMessage({ type: 'stop' } satisfies VideoFeedMessage);
    } catch {
      // Streams not transferable here: grab frames instead.
    }
  }
  return startGrab(track, port, settings, timing);
}

/** The video's current picture as a VideoFrame, or null without WebCodecs (or when refused). */
function videoFrameOf(video: HTMLVideoElement): VideoFrame | null {
  const Frame = (globalThis as { VideoFrame?: typeof VideoFrame }).VideoFrame;
  try {
    return Frame ? new Frame(video) : null;
  } catch {
    return null;
  }
}

function startGrab(
  track: MediaStreamTrack,
  port: MessagePort,
  settings: VideoEncodeSettings,
  timing: { now(): number; mainMs(ms: number): void },
): () => void {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  void video.play().catch(() => undefined);
  let waiting = false;
  let stopped = false;
  const onMessage = (e: MessageEvent<VideoPipeMessage>): void => {
    if (e.data.type === 'done') waiting = false;
  };
  port.addEventListener('message', onMessage);
  const tick = (): void => {
    if (stopped || waiting || video.readyState < 2 || !video.videoWidth) return;
    const t0 = timing.now();
    const frame = videoFrameOf(video);
    if (frame) {
      waiting = true;
      port.postMessage({ type: 'frame', bitmap: frame, at: t0 } satisfies VideoFeedMessage, [
        frame,
      ]);
      return timing.mainMs(timing.now() - t0);
    }
    const { videoWidth: w, videoHeight: h } = video;
    const scale = Math.min(1, settings.maxSize / Math.max(w, h));
    waiting = true;
    // Main-thread cost is the synchronous part only: the call here and the post below (the
    // bitmap itself is made off the script's time).
    const pending = createImageBitmap(video, {
      resizeWidth: Math.max(1, Math.round(w * scale)),
      resizeHeight: Math.max(1, Math.round(h * scale)),
      resizeQuality: 'medium',
    });
    const callMs = timing.now() - t0;
    pending.then(
      (bitmap) => {
        if (stopped) return bitmap.close();
        const t1 = timing.now();
        port.postMessage({ type: 'frame', bitmap, at: t0 } satisfies VideoFeedMessage, [bitmap]);
        timing.mainMs(callMs + timing.now() - t1);
      },
      () => (waiting = false),
    );
  };
  const timer = setInterval(tick, 1000 / Math.max(0.01, settings.fps));
  return () => {
    stopped = true;
    clearInterval(timer);
    port.removeEventListener('message', onMessage);
    video.pause();
    video.srcObject = null;
    port.postMessage({ type: 'stop' } satisfies VideoFeedMessage);
  };
}
