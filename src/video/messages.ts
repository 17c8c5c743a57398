/**
 * The messages on a video port between the main thread's feed and the worker's video pipe. Kept
 * free of DOM-only types: the worker build type-checks it too.
 */

/** Main → worker messages on a video port (the worker's video pipe reads them). */
export type VideoFeedMessage =
  | { type: 'stream'; readable: ReadableStream<VideoFrame> }
  | { type: 'frame'; bitmap: ImageBitmap; at: number }
  | { type: 'stop' };

/** Worker → main messages on a video port. */
export type VideoPipeMessage =
  | { type: 'sent'; width: number; height: number; bytes: number; encodeMs: number }
  | { type: 'skipped' }
  | { type: 'dropped' }
  /** The worker is done with the last bitmap (the grab may send the next). */
  | { type: 'done' }
  | { type: 'preview'; bitmap: ImageBitmap };
