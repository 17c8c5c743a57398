/**
 * The messages of a video run. Three threads take part: the main thread's feed hands frames to a
 * dedicated video worker (scaling, change detection, JPEG, base64), which hands each finished
 * frame to the transport's worker (the socket) and waits for its answer before encoding another,
 * so at most one frame is ever pending. Kept free of DOM-only types: the worker builds type-check it too.
 */
import type { VideoEncodeSettings } from '../core/video.ts';

/** Main → video worker, first message: the run's settings and its two ports. */
export interface VideoWorkerInit {
  type: 'init';
  settings: VideoEncodeSettings;
  /** Feed messages in, stats and previews out (the main thread's side). */
  feed: MessagePort;
  /** Finished frames out, answers in (the transport worker's side). */
  socket: MessagePort;
}

/** Main → video worker on the feed port. */
export type VideoFeedMessage =
  | { type: 'stream'; readable: ReadableStream<VideoFrame> }
  /** One grabbed picture (a VideoFrame where WebCodecs exists, else a scaled ImageBitmap). */
  | { type: 'frame'; bitmap: ImageBitmap | VideoFrame; at: number }
  | { type: 'stop' };

/** Video worker → main on the feed port. */
export type VideoPipeMessage =
  | {
      type: 'sent';
      width: number;
      height: number;
      bytes: number;
      encodeMs: number;
      socketMs: number;
    }
  | { type: 'skipped' }
  | { type: 'dropped' }
  /** The worker is done with the last bitmap (the grab may send the next). */
  | { type: 'done' }
  /** The worker loaded and took the run (first message). */
  | { type: 'ready' }
  | { type: 'preview'; bitmap: ImageBitmap };

/** Video worker → transport worker: one encoded frame, ready for `realtimeInput.video`. */
export interface VideoJpegMessage {
  type: 'jpeg';
  /** base64 of the JPEG */
  data: string;
}

/** Transport worker → video worker: what became of the last frame. */
export interface VideoAnswerMessage {
  type: 'sent' | 'dropped';
  /** Transport-worker time spent on the frame (the cost video puts on the audio's thread). */
  ms: number;
}
