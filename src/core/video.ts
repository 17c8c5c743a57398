/**
 * The seam between the session and the browser's video sources (camera, screen share). The
 * default implementation (src/video) opens the source on the main thread and hands a MessagePort
 * to the transport's worker, which scales, skips unchanged frames, encodes JPEG and sends: frames
 * never get encoded on the main thread.
 */
import type { LiveAgentError } from './errors.ts';

export type VideoSource = 'camera' | 'screen';

/** How frames are taken, compared and encoded (the worker's side of a video run). */
export interface VideoEncodeSettings {
  /** Most frames per second sent (default 1). */
  fps: number;
  /** Longest side of a sent frame in px (camera 768, screen 1280). */
  maxSize: number;
  /** JPEG quality 0..1 (camera 0.7, screen 0.85). */
  quality: number;
  /** Mean luma change 0..1 of a 32×18 thumbnail below which a frame counts as unchanged. */
  changeThreshold: number;
  /** An unchanged scene is sent again after this long (default 10 000 ms). */
  refreshMs: number;
  /** Frames are dropped while the socket holds more than this many unsent bytes. */
  maxBufferedBytes: number;
  /** Post each sent (scaled) frame back as an ImageBitmap for a preview. */
  preview: boolean;
}

/** Options of `startVideo()`. */
export interface VideoOptions extends Partial<VideoEncodeSettings> {
  /** Camera to use (from `enumerateDevices()`). */
  deviceId?: string;
  /** Front or back camera on phones. */
  facingMode?: 'user' | 'environment';
}

/** What the transport's worker gets for one video run. */
export interface VideoPorts {
  port: MessagePort;
  settings: VideoEncodeSettings;
}

/** What the video side reports. */
export type VideoEvent =
  /** The source ended by itself (the user stopped sharing from the browser UI, camera unplugged). */
  { type: 'ended'; source: VideoSource } | { type: 'error'; error: LiveAgentError };

/** Presets per source: screens keep text legible (larger, higher quality). */
export const VIDEO_PRESETS: Readonly<Record<VideoSource, VideoEncodeSettings>> = Object.freeze({
  camera: Object.freeze({
    fps: 1,
    maxSize: 768,
    quality: 0.7,
    changeThreshold: 0.02,
    refreshMs: 10_000,
    maxBufferedBytes: 256 * 1024,
    preview: false,
  }),
  screen: Object.freeze({
    fps: 1,
    maxSize: 1280,
    quality: 0.85,
    changeThreshold: 0.01,
    refreshMs: 10_000,
    maxBufferedBytes: 512 * 1024,
    preview: false,
  }),
});

/** A preset with the app's overrides (undefined values keep the preset's). */
export function videoSettings(
  source: VideoSource,
  options: VideoOptions = {},
): VideoEncodeSettings {
  const out = { ...VIDEO_PRESETS[source] };
  for (const key of Object.keys(out) as (keyof VideoEncodeSettings)[]) {
    const v = options[key];
    if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  }
  return out;
}

export interface LiveVideo {
  /**
   * Opens `source` (closing the previous one) and returns the port the frames travel on. Throws
   * MediaError (`video-denied`, `no-device`, `unsupported`, `insecure-context`).
   */
  start(source: VideoSource, options?: VideoOptions): Promise<VideoPorts>;
  /** Stops the tracks and the frame feed. */
  stop(): void;
  /** The source being sent, or null. */
  readonly source: VideoSource | null;
  on(listener: (event: VideoEvent) => void): () => void;
}
